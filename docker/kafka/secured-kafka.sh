#!/bin/sh
# Kafka in KRaft mode with a SASL/SCRAM-SHA-512 user per department and the
# StandardAuthorizer (README, "Access rights"): what the local launcher runs,
# for the apache/kafka image. The users get their credentials when the storage
# is formatted (first start); ACLs are kept by the notary from the grants.
#
#   KAFKA_ADMIN_PASSWORD   the broker admin (the notary's NOTARY_BROKER_ADMIN_*)
#   KAFKA_USERS            <user>:<password>,… one per department
#   KAFKA_CLUSTER_ID       22-character base64url cluster id (fixed per volume)
#   KAFKA_ADVERTISED       host:port the apps reach (default kafka:9092)
set -eu
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
DATA_DIR=${KAFKA_DATA_DIR:-/var/lib/kafka/data}
CONFIG=${KAFKA_CONFIG_FILE:-/tmp/secured-server.properties}
LISTEN=${KAFKA_LISTEN:-0.0.0.0:9092}
ADVERTISED=${KAFKA_ADVERTISED:-kafka:9092}
CONTROLLER=${KAFKA_CONTROLLER:-localhost:9093}
: "${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD}"
: "${KAFKA_USERS:?set KAFKA_USERS to <user>:<password>,… (one user per department)}"
: "${KAFKA_CLUSTER_ID:?set KAFKA_CLUSTER_ID (22 characters of base64url)}"

cat > "$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${CONTROLLER}
listeners=SASL_PLAINTEXT://${LISTEN},CONTROLLER://${CONTROLLER}
advertised.listeners=SASL_PLAINTEXT://${ADVERTISED}
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=${DATA_DIR}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=-1
PROPERTIES

# For the healthcheck and for operators: the admin's client settings.
cat > "${KAFKA_ADMIN_CLIENT_FILE:-/tmp/admin-client.properties}" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
PROPERTIES

if [ ! -f "$DATA_DIR/meta.properties" ]; then
  # --cluster-id=… as one argument: a base64url id may start with '-'.
  set -- format "--cluster-id=$KAFKA_CLUSTER_ID" -c "$CONFIG" --ignore-formatted \
    --add-scram "SCRAM-SHA-512=[name=admin,password=${KAFKA_ADMIN_PASSWORD}]"
  for pair in $(echo "$KAFKA_USERS" | tr ',' ' '); do
    set -- "$@" --add-scram "SCRAM-SHA-512=[name=${pair%%:*},password=${pair#*:}]"
  done
  "$KAFKA_HOME/bin/kafka-storage.sh" "$@"
fi
exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$CONFIG"
