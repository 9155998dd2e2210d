"""Kafka on this machine and in production: the brokers' jars, a broker or a three-node cluster, the
principals' passwords, the ACL table and the topics' policy."""
