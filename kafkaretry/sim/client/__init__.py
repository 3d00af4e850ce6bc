"""The Java producer's internals (Kafka's `clients`: `producer/internals`, `NetworkClient`).

`producer` is the Sender (drain, retries, delivery timeout, idempotent sequences),
`accumulator` the RecordAccumulator (batches bound to their partition, linger, backoff),
`netclient` the NetworkClient (connections, in-flight requests, request timeouts),
`metadata_updater` its DefaultMetadataUpdater, `metadata` the producer's Metadata and the
brokers' answers to it, `rules` the error-to-reaction table of Sender.completeBatch, and
`state` the producer's mutable batches and connections.
"""
