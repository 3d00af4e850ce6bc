"""KRaft: the controllers' Raft quorum and the metadata it replicates (Kafka's `raft`, `metadata`).

`quorum` is the voters' Raft (KafkaRaftClient: fetch timeout, pre-vote, vote, check-quorum),
`controller` the active controller's metadata log and partition leader election
(QuorumController, ReplicationControlManager), `brokers` broker heartbeats and sessions as
the controller sees them (BrokerHeartbeatManager), `fencing` the periodic check that fences
expired sessions (maybeFenceStaleBroker), `lifecycle` registration, unfencing and ISR
additions (ClusterControlManager.registerBroker, AlterPartition), `metadata` the records
and the image brokers apply (MetadataImage, KRaftMetadataCache), `control_plane` ties them
together on the run's clock, `publisher` wires it to the brokers' data plane and clients
(BrokerMetadataPublisher), `events` and `views` are what a student can observe of it.
"""
