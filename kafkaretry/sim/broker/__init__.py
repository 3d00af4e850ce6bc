"""The brokers' data plane (Kafka's `core` ReplicaManager and `storage` modules).

`replica_manager` handles produce requests and leadership changes (ReplicaManager,
Partition.appendRecordsToLeader, DelayedProduce), `fetcher` the followers' fetches and the
high watermark they move (ReplicaFetcherThread, Partition.fetchRecords, DelayedFetch),
`producer_state` the idempotence check (ProducerStateManager, ProducerAppendInfo), and
`partition` a broker's replica of one partition: its log of batches, ISR and purgatory.
"""
