#!/bin/sh
# Kafka in KRaft mode with a SASL/SCRAM-SHA-512 user per department and the
# StandardAuthorizer (README, "Access rights"): what the local launcher runs,
# for the apache/kafka image. The users get their credentials when the storage
# is formatted (first start); ACLs are kept by the notary from the grants.
# The listeners are those of the launcher (docs/SECURITY.md, "Transport:
# Kafka"): clients on SASL_SSL, the controller on SSL with a node certificate
# required, no ANONYMOUS super user. make-dev-certs.sh makes the certificates.
#
#   KAFKA_ADMIN_PASSWORD   the broker admin (the notary's NOTARY_BROKER_ADMIN_*)
#   KAFKA_USERS            <user>:<password>,… one per department
#   KAFKA_CLUSTER_ID       22-character base64url cluster id (fixed per volume)
#   KAFKA_ADVERTISED       host:port the apps reach (default kafka:9092)
#   KAFKA_KEYSTORE_FILE    the broker's PKCS12 keystore (CN=kafka-node, the SANs it is dialled by)
#   KAFKA_KEYSTORE_PASSWORD_FILE  its password
#   KAFKA_CA_FILE          the CA (PEM) the node certificates are checked against
set -eu
# The configuration files below hold the admin's and the keystore's passwords.
umask 077
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
DATA_DIR=${KAFKA_DATA_DIR:-/var/lib/kafka/data}
CONFIG=${KAFKA_CONFIG_FILE:-/tmp/secured-server.properties}
LISTEN=${KAFKA_LISTEN:-0.0.0.0:9092}
ADVERTISED=${KAFKA_ADVERTISED:-kafka:9092}
CONTROLLER=${KAFKA_CONTROLLER:-localhost:9093}
KEYSTORE=${KAFKA_KEYSTORE_FILE:-/etc/kafka/secrets/broker.p12}
KEYSTORE_PASSWORD_FILE=${KAFKA_KEYSTORE_PASSWORD_FILE:-/etc/kafka/secrets/broker.password}
CA=${KAFKA_CA_FILE:-/registry-bus/ca/ca.crt}
: "${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD}"
: "${KAFKA_USERS:?set KAFKA_USERS to <user>:<password>,… (one user per department)}"
: "${KAFKA_CLUSTER_ID:?set KAFKA_CLUSTER_ID (22 characters of base64url)}"
for file in "$KEYSTORE" "$KEYSTORE_PASSWORD_FILE" "$CA"; do
  [ -r "$file" ] || {
    echo "secured-kafka: cannot read $file: make it with make-dev-certs.sh (compose's certs job)" >&2
    exit 66
  }
done
KEYSTORE_PASSWORD=$(cat "$KEYSTORE_PASSWORD_FILE")

cat > "$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${CONTROLLER}
listeners=SASL_SSL://${LISTEN},CONTROLLER://${CONTROLLER}
advertised.listeners=SASL_SSL://${ADVERTISED}
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=SASL_SSL
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
ssl.keystore.type=PKCS12
ssl.keystore.location=${KEYSTORE}
ssl.keystore.password=${KEYSTORE_PASSWORD}
ssl.key.password=${KEYSTORE_PASSWORD}
ssl.truststore.type=PEM
ssl.truststore.location=${CA}
ssl.endpoint.identification.algorithm=https
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([a-z0-9.-]+)\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:kafka-node
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
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
ssl.truststore.type=PEM
ssl.truststore.location=${CA}
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
