#!/usr/bin/env bash
# Makes a development certificate for `kms-emulator --tls-cert/--tls-key`: a local CA (ca.pem,
# ca.key) and a server certificate signed by it (server.pem, server.key) for localhost,
# 127.0.0.1 and ::1, in DIR (default ./dev-certs). Clients trust the emulator by trusting ca.pem
# (AWS_CA_BUNDLE, `aws --ca-bundle`, boto3 `verify=`, NODE_EXTRA_CA_CERTS, kmsctl's AWS_CA_BUNDLE).
#
# Usage: tools/make-dev-cert.sh [DIR]
# Idempotent: an existing CA is reused (so clients that trust it keep working) and an existing
# server certificate is kept; delete DIR to start over. Needs the openssl command. Keys are 0600.
set -euo pipefail

DIR=${1:-dev-certs}
CA_DAYS=3650
SERVER_DAYS=825  # the longest validity macOS/iOS accept for a server certificate

command -v openssl >/dev/null || { echo "make-dev-cert.sh: the openssl command is needed" >&2; exit 1; }
mkdir -p "$DIR"
umask 077
cd "$DIR"

if [ ! -s ca.pem ] || [ ! -s ca.key ]; then
  openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days "$CA_DAYS" \
    -keyout ca.key -out ca.pem -subj "/CN=kms-emulator development CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  rm -f server.pem server.key  # a new CA invalidates the old server certificate
  echo "make-dev-cert.sh: created CA $DIR/ca.pem" >&2
fi

if [ ! -s server.pem ] || [ ! -s server.key ]; then
  cat > server.ext <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
  openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr \
    -subj "/CN=localhost" 2>/dev/null
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 \
    -days "$SERVER_DAYS" -extfile server.ext -out server.pem 2>/dev/null
  rm -f server.csr server.ext ca.srl
  echo "make-dev-cert.sh: created server certificate $DIR/server.pem" >&2
fi
chmod 644 ca.pem server.pem

ABS=$(pwd)
cat <<EOF
Development certificate in $ABS:
  ca.pem      the CA to trust (certificate only; keep ca.key private)
  server.pem  certificate for localhost, 127.0.0.1 and ::1, signed by the CA
  server.key  its private key

Serve HTTPS:
  kms-emulator --tls-cert $ABS/server.pem --tls-key $ABS/server.key
Then, for example:
  aws --endpoint-url https://127.0.0.1:4599 --ca-bundle $ABS/ca.pem kms list-keys
  AWS_CA_BUNDLE=$ABS/ca.pem aws --endpoint-url https://localhost:4599 kms list-keys
  boto3.client("kms", endpoint_url="https://127.0.0.1:4599", verify="$ABS/ca.pem")
  NODE_EXTRA_CA_CERTS=$ABS/ca.pem node app.js
EOF
