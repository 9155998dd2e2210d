"""Test helpers: in-memory fakes of the ports, a Kafka topic reader, service harnesses."""
