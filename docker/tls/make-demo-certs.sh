#!/bin/sh
# Makes the TLS files of the docker-compose deployment's edges when the edge image is built
# (edge-node/Dockerfile): a demo CA of its own and a certificate for www.cdn.test and cdn.test
# signed by it (ECDSA P-256). The CA's private key exists only while this script runs, so the image
# holds no key that could sign anything else. Nothing here is committed: every build makes new ones.
# Usage: make-demo-certs.sh DIR   writes DIR/ca.pem (the CA certificate clients trust, e.g.
#        curl --cacert ca.pem), DIR/www.cdn.test.pem (certificate chain) and DIR/www.cdn.test.key
set -eu
out=${1:?usage: make-demo-certs.sh DIR}
command -v openssl >/dev/null 2>&1 || { echo "make-demo-certs.sh: openssl is needed" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# shellcheck disable=SC2086
openssl req -x509 $ec -keyout "$work/ca.key" -out "$out/ca.pem" -days 3650 -sha256 \
  -subj "/CN=OpenCDN docker-compose demo CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign"
# shellcheck disable=SC2086
openssl req $ec -keyout "$out/www.cdn.test.key" -out "$work/leaf.csr" -subj "/CN=www.cdn.test"
printf '%s\n' "subjectAltName=DNS:www.cdn.test,DNS:cdn.test" "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" > "$work/leaf.ext"
openssl x509 -req -in "$work/leaf.csr" -CA "$out/ca.pem" -CAkey "$work/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
  -days 825 -sha256 -extfile "$work/leaf.ext" -out "$out/www.cdn.test.pem"
chmod 644 "$out/ca.pem" "$out/www.cdn.test.pem"
chmod 600 "$out/www.cdn.test.key"
openssl verify -CAfile "$out/ca.pem" "$out/www.cdn.test.pem" >/dev/null
echo "make-demo-certs.sh: $out/www.cdn.test.pem signed by $out/ca.pem (its key deleted)"
