"""Faults as data: what each kind of fault in scenarios.yaml does to a run.

`handlers.FAULT_HANDLERS` maps a fault kind to the function that installs it; a handler
acts only through `target.FaultTarget` (the clock, the links, the nodes and the KRaft
control plane), and the cluster notices a fault only as Kafka does: a reset connection,
missed heartbeats, a Raft fetch timeout, a request that times out.
"""
