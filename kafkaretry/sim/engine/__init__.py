"""The discrete-event engine: simulated time, links between nodes, cheap frozen facts.

`clock` is a heap of `(at_ms, seq, action)` in integer milliseconds (SimPy's
`Environment`), `network` delivers messages between node ids with a fixed latency and
drop filters, `frozen` builds frozen events without the dataclass `__init__`. Nothing here
knows a Kafka rule, and nothing here imports the packages that run on it; the loop that
drives a whole run is `kafkaretry.sim.simulation`, above every package.
"""
