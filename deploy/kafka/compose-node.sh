#!/usr/bin/env bash
# One node of docker-compose's three-node Kafka cluster (KRaft: broker and controller), run in
# the apache/kafka image. Every listener is SASL over TLS: clients log in with SCRAM-SHA-512
# as their own principal, brokers to each other as admin, and to the controllers as admin
# over PLAIN (KRaft's controller listener cannot use SCRAM). The StandardAuthorizer denies what
# the ACLs (deploy/kafka/bus_access.py, applied by the bus-setup job) do not grant.
#
# From the environment (docker-compose.yml passes them on): NODE_ID, MO_KAFKA_CLUSTER_ID and
# MO_KAFKA_<PRINCIPAL>_PASSWORD for admin, observer and the four services. From files the
# operator provides in /etc/kafka/tls: ca.pem (the CA) and kafka-<NODE_ID>.pem (the node's
# private key, PKCS#8, and its certificate for the host name kafka-<NODE_ID>).
set -euo pipefail
umask 077 # the rendered files hold admin's password

principals=(admin observer intake routing notifications scheduling)
for principal in "${principals[@]}"; do
  variable="MO_KAFKA_${principal^^}_PASSWORD"
  [[ -n "${!variable:-}" ]] || { echo "set $variable" >&2; exit 1; }
done
: "${NODE_ID:?set NODE_ID}" "${MO_KAFKA_CLUSTER_ID:?set MO_KAFKA_CLUSTER_ID}"
admin="${MO_KAFKA_ADMIN_PASSWORD}"
scram="org.apache.kafka.common.security.scram.ScramLoginModule required"
plain="org.apache.kafka.common.security.plain.PlainLoginModule required"
tls=/etc/kafka/tls
props=/tmp/server.properties

cat >"$props" <<PROPERTIES
process.roles=broker,controller
node.id=${NODE_ID}
controller.quorum.voters=1@kafka-1:9094,2@kafka-2:9094,3@kafka-3:9094
controller.listener.names=CONTROLLER
listeners=CLIENT://:9092,INTERNAL://:9093,CONTROLLER://:9094
advertised.listeners=CLIENT://kafka-${NODE_ID}:9092,INTERNAL://kafka-${NODE_ID}:9093
listener.security.protocol.map=CLIENT:SASL_SSL,INTERNAL:SASL_SSL,CONTROLLER:SASL_SSL
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.client.scram-sha-512.sasl.jaas.config=${scram};
listener.name.internal.scram-sha-512.sasl.jaas.config=${scram} username="admin" password="${admin}";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=${plain} username="admin" password="${admin}" user_admin="${admin}";
ssl.keystore.type=PEM
ssl.keystore.location=${tls}/kafka-${NODE_ID}.pem
ssl.truststore.type=PEM
ssl.truststore.location=${tls}/ca.pem
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
log.dirs=/var/lib/kafka/data
num.partitions=6
auto.create.topics.enable=false
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
PROPERTIES

# What the healthcheck (and an operator in the container) connects as.
cat >/tmp/admin.properties <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=${scram} username="admin" password="${admin}";
ssl.truststore.type=PEM
ssl.truststore.location=${tls}/ca.pem
PROPERTIES

if [[ ! -f /var/lib/kafka/data/meta.properties ]]; then
  users=()
  for principal in "${principals[@]}"; do
    variable="MO_KAFKA_${principal^^}_PASSWORD"
    users+=(--add-scram "SCRAM-SHA-512=[name=${principal},password=${!variable}]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "$MO_KAFKA_CLUSTER_ID" -c "$props" "${users[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$props"
