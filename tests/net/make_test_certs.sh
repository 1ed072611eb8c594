#!/usr/bin/env bash
# Makes a throwaway PKI for the TLS tests in directory DIR (created): a CA
# (ca.pem), a server certificate for 127.0.0.1 and localhost signed by it
# (server.pem, server.key), client certificates with CN "feeder" and
# "stranger" (client-feeder.*, client-stranger.*), and a second CA with its
# own server certificate (other-ca.pem, other-server.*) that clients
# trusting ca.pem must refuse. Keys are EC P-256, mode 0600; nothing here
# is kept past the test. Usage: make_test_certs.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077

ca() {  # NAME CN
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=$2" -keyout "$1.key" -out "$1.pem" 2>/dev/null
}

leaf() {  # NAME CN CA EXT
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
    -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

server_ext='subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth'
client_ext='extendedKeyUsage=clientAuth'

ca ca "Persona test CA"
ca other-ca "Another CA"
leaf server "persona test node" ca "$server_ext"
leaf other-server "persona test node" other-ca "$server_ext"
leaf client-feeder feeder ca "$client_ext"
leaf client-stranger stranger ca "$client_ext"
leaf client-other feeder other-ca "$client_ext"
chmod 0644 ./*.pem
chmod 0600 ./*.key
