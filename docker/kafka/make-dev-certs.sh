#!/bin/sh
# The development CA of compose's broker and the broker's certificate, made with keytool alone: the apache/kafka
# image has Java but no openssl. Runs as compose's one-off `certs` job before the broker starts (docs/SECURITY.md,
# "Transport: Kafka"). Each folder is a volume of its own, so every container mounts only what it needs:
#
#   <ca-dir>      ca.crt (PEM), the CA the apps trust (KAFKA_SSL_CA_FILE); the only file an app sees
#   <ca-key-dir>  ca.p12 and its password: the CA's private key, mounted by this job alone
#   <broker-dir>  broker.p12 and its password: the broker's key and chain (CN=kafka-node, the node principal
#                 of secured-kafka.sh), and broker.crt for operators
#
# Nothing is replaced: a second run keeps what the first made. A new CA (its key folder was emptied) makes a new
# broker certificate too, since one from the lost CA would match no ca.crt.
#
#   sh make-dev-certs.sh <ca-dir> <ca-key-dir> <broker-dir>
set -eu
[ "$#" -eq 3 ] || {
  echo "usage: make-dev-certs.sh <ca-dir> <ca-key-dir> <broker-dir>" >&2
  exit 64
}
CA_DIR=$1
CA_KEY_DIR=$2
BROKER_DIR=$3
DAYS=${DEV_CERT_DAYS:-825}
# The names the broker is dialled by: kafka:9092 on the compose network, localhost for its own health check and
# for the controller listener (localhost:9093).
SAN=${DEV_CERT_SAN:-dns:kafka,dns:localhost,ip:127.0.0.1}
command -v keytool > /dev/null || {
  echo "make-dev-certs: keytool (Java) is not on PATH" >&2
  exit 69
}
umask 077

for dir in "$CA_DIR" "$CA_KEY_DIR" "$BROKER_DIR"; do
  mkdir -p "$dir"
  [ -w "$dir" ] || {
    echo "make-dev-certs: cannot write $dir (as uid $(id -u)): mount its volume on a folder this user owns" >&2
    exit 73
  }
done
chmod 0700 "$CA_KEY_DIR" "$BROKER_DIR"
# The apps run as another image's user: they need to enter this folder and read ca.crt, nothing more.
chmod 0755 "$CA_DIR"

# A random keystore password. It guards nothing the file mode does not: a PKCS12 keystore must have one.
new_password() {
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# keytool reads passwords from the environment (:env), so none shows in a process list.
fresh_ca=no
if [ ! -f "$CA_KEY_DIR/ca.p12" ] || [ ! -f "$CA_KEY_DIR/ca.password" ]; then
  rm -f "$CA_KEY_DIR/ca.p12.new"
  CA_PASSWORD=$(new_password)
  export CA_PASSWORD
  keytool -genkeypair -alias ca -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
    -dname 'CN=registry-bus compose development CA' -validity "$DAYS" \
    -ext bc:c=ca:true,pathlen:0 -ext ku:c=keyCertSign,cRLSign \
    -storetype PKCS12 -keystore "$CA_KEY_DIR/ca.p12.new" -storepass:env CA_PASSWORD
  printf '%s' "$CA_PASSWORD" > "$CA_KEY_DIR/ca.password"
  mv "$CA_KEY_DIR/ca.p12.new" "$CA_KEY_DIR/ca.p12"
  fresh_ca=yes
  echo "make-dev-certs: made a development CA in $CA_KEY_DIR"
fi
CA_PASSWORD=$(cat "$CA_KEY_DIR/ca.password")
export CA_PASSWORD

if [ "$fresh_ca" = yes ] || [ ! -f "$CA_DIR/ca.crt" ]; then
  keytool -exportcert -rfc -alias ca -keystore "$CA_KEY_DIR/ca.p12" -storepass:env CA_PASSWORD \
    -file "$CA_DIR/ca.crt.new"
  chmod 0644 "$CA_DIR/ca.crt.new"
  mv "$CA_DIR/ca.crt.new" "$CA_DIR/ca.crt"
  echo "make-dev-certs: wrote $CA_DIR/ca.crt"
fi

if [ "$fresh_ca" = yes ] || [ ! -f "$BROKER_DIR/broker.p12" ] || [ ! -f "$BROKER_DIR/broker.password" ]; then
  store=$BROKER_DIR/broker.p12.new
  rm -f "$store" "$BROKER_DIR/broker.csr" "$BROKER_DIR/broker.crt.new"
  BROKER_PASSWORD=$(new_password)
  export BROKER_PASSWORD
  keytool -genkeypair -alias kafka-node -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
    -dname 'CN=kafka-node' -validity "$DAYS" \
    -storetype PKCS12 -keystore "$store" -storepass:env BROKER_PASSWORD
  keytool -certreq -alias kafka-node -keystore "$store" -storepass:env BROKER_PASSWORD \
    -file "$BROKER_DIR/broker.csr"
  # serverAuth for the listeners, clientAuth for the broker's own calls to the controller listener, which asks
  # for a node certificate.
  keytool -gencert -alias ca -keystore "$CA_KEY_DIR/ca.p12" -storepass:env CA_PASSWORD -rfc \
    -validity "$DAYS" -sigalg SHA256withECDSA \
    -ext bc:c=ca:false -ext ku:c=digitalSignature -ext eku=serverAuth,clientAuth -ext "san=$SAN" \
    -infile "$BROKER_DIR/broker.csr" -outfile "$BROKER_DIR/broker.crt.new"
  # The CA first, as a trusted entry, so the signed certificate goes in with its chain; then the entry goes,
  # since a keystore is not a truststore.
  keytool -importcert -noprompt -alias ca -file "$CA_DIR/ca.crt" -keystore "$store" -storepass:env BROKER_PASSWORD
  keytool -importcert -noprompt -alias kafka-node -file "$BROKER_DIR/broker.crt.new" \
    -keystore "$store" -storepass:env BROKER_PASSWORD
  keytool -delete -alias ca -keystore "$store" -storepass:env BROKER_PASSWORD
  rm -f "$BROKER_DIR/broker.csr"
  chmod 0644 "$BROKER_DIR/broker.crt.new"
  printf '%s' "$BROKER_PASSWORD" > "$BROKER_DIR/broker.password"
  mv "$BROKER_DIR/broker.crt.new" "$BROKER_DIR/broker.crt"
  mv "$store" "$BROKER_DIR/broker.p12"
  echo "make-dev-certs: made the broker's certificate (CN=kafka-node, $SAN) in $BROKER_DIR"
fi
if [ "$fresh_ca" = yes ]; then
  echo "make-dev-certs: a new CA: restart kafka and the apps if they were running"
fi
echo "make-dev-certs: done"
