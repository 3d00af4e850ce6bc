"""The lab: the same scenario on a real Apache Kafka 4.1 cluster, measured, beside the model.

Everything here runs real processes on 127.0.0.1 and reads the wall clock; nothing here is
imported by the simulation, and the simulation is used only through kafkaretry.runner and
kafkaretry.report.
"""
