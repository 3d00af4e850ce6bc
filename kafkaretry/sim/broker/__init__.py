"""The brokers' data plane (Kafka's `core` ReplicaManager and `storage` modules).

`replica_manager` handles produce requests and leadership changes, a demoted leader and a
restarted broker included (ReplicaManager, Partition.appendRecordsToLeader, DelayedProduce),
`fetcher` the followers' fetches, the high watermark they move, truncation of a diverged log
and ISR rejoin (ReplicaFetcherThread, Partition.fetchRecords, DelayedFetch, maybeExpandIsr),
`producer_state` the idempotence check (ProducerStateManager, ProducerAppendInfo), and
`partition` a broker's replica of one partition: its log of batches, ISR and purgatory.
"""
