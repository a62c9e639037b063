#!/usr/bin/env bash
# Certificate propagation benchmark (issue 20, "a certificate change reaches all edges within a
# second and no connection is dropped"). One DNS server and three edges in one Hazelcast cluster,
# started as users start them (java -jar cdn.jar dns|edge --config FILE), on free loopback ports
# (never the demo's), and Pebble (Debian package pebble, the ACME test server) sending its DNS
# lookups to our DNS server. bench/certprop.py measures:
#   acme:  the edges order one certificate for www.certbench.test, certbench.test and
#          *.certbench.test through DNS-01 (the cluster's DNS server answers the challenges);
#          Pebble issues them for VALIDITY seconds, so the cluster renews at two thirds of that.
#          For RENEWALS renewals: issuance (the issuing edge's log line, its clock) -> first and
#          last edge serving the new serial over TLS (SNI, polled every ~5 ms per edge while an
#          order is under way), first -> last edge.
#   files: the three edges watch the same PEM files (tls.certificates, WATCH_MILLIS); FILE_ROUNDS
#          times a new certificate and key are renamed over them: rename -> each edge serving it.
#   admin: the same, with POST /_cdn/tls/reload sent to every edge at once after the rename.
# Throughout, one keep-alive HTTPS connection per edge sends a request every 50 ms: failures and
# dropped connections are counted (goal 0). Figures: bench/README.md (TLS section).
#
#   bench/cert-propagation.sh                     # RENEWALS=5 FILE_ROUNDS=10 ADMIN_ROUNDS=5
#   RENEWALS=0 bench/cert-propagation.sh          # files and admin only (no Pebble needed)
#   VALIDITY=30 WATCH_MILLIS=1000 KEEP=1 bench/cert-propagation.sh
#
# Figures of 2026-12-08 (2-core VM shared with other helpers' builds and benchmarks, load average
# 7-29; three whole runs, details in bench/README.md): ACME issued -> last edge serving p50 194-263
# ms, max 306-865 ms in two runs, in the third one renewal at 1,010 ms by the edge's own log (load
# rising to 18); PEM files renamed -> last edge p50 160-232 ms, max 193-823 ms (main's build side
# by side, 1 s poll only: p50 1,062 ms, max 1,231 ms); rename + admin reload -> last edge p50
# 119-226 ms, max 158-415 ms; ~18,800 keep-alive requests, 0 failed, 0 connections dropped.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
renewals=${RENEWALS:-5}
file_rounds=${FILE_ROUNDS:-10}
admin_rounds=${ADMIN_ROUNDS:-5}
validity=${VALIDITY:-30}
watch_millis=${WATCH_MILLIS:-}
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
export TZ=UTC # the Java processes' log stamps, compared with the monitor's clock

need() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "installing $2..." >&2
  apt-get install -y "$2" >/dev/null
}
need python3 python3
need openssl openssl
need curl curl
[ "$renewals" -gt 0 ] && need pebble pebble
app=${CDN_APP:-launcher/target} # where cdn.jar and lib/ are (another build to compare)
if [ ! -f "$app/cdn.jar" ]; then
  echo "building launcher/target/cdn.jar..." >&2
  ./mvnw -q -B -DskipTests package
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/opencdn-certprop.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a private copy, so a concurrent rebuild of the launcher cannot swap jars under the run
mkdir -p "$work/app"
cp "$app/cdn.jar" "$work/app/"
[ -d "$app/lib" ] && cp -r "$app/lib" "$work/app/lib"
jar=$work/app/cdn.jar

free_port() { # a port free for TCP and UDP on 127.0.0.1 now, never one of the demo's
  python3 - <<'PY'
import socket, random
for _ in range(200):
    p = random.randint(20000, 60000)
    if p in (1935, 5701, 8053, 8080, 9090):
        continue
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", p)); s.close()
        print(p); break
    except OSError:
        continue
PY
}

# --- certificates: Pebble's HTTPS, and a CA for the files certificates
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$work/pebble-key.pem" -out "$work/pebble-cert.pem" \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -days 2 2>/dev/null
mkdir -p "$work/files"
openssl req -x509 "${ec[@]}" -keyout "$work/files-ca.key" -out "$work/files-ca.pem" \
  -subj /CN=certbench-files-ca -days 2 2>/dev/null
cat > "$work/make-cert" <<SH
#!/usr/bin/env bash
# make-cert CERT KEY: a new key and a certificate for www.files.test signed by the files CA
set -euo pipefail
openssl req ${ec[*]} -keyout "\$2" -subj /CN=www.files.test 2>/dev/null |
  openssl x509 -req -CA "$work/files-ca.pem" -CAkey "$work/files-ca.key" -days 2 \
    -set_serial "0x\$(openssl rand -hex 12)" \
    -extfile <(printf 'subjectAltName=DNS:www.files.test') -out "\$1" 2>/dev/null
SH
chmod +x "$work/make-cert"
"$work/make-cert" "$work/files/cert.pem" "$work/files/key.pem"

# --- cluster, DNS server
hz_port=$(free_port)
dns_port=$(free_port)
export CDN_CLUSTER_SECRET="certprop-bench-$(date +%s)-$RANDOM$RANDOM"
export CDN_ADMIN_TOKEN="bench-token-$RANDOM$RANDOM"
cluster="{name: certprop-bench, secret: \${CDN_CLUSTER_SECRET}, bind: \"127.0.0.1:$hz_port\", members: [\"127.0.0.1:$hz_port-$((hz_port + 9))\"]}"
cat > "$work/zone" <<ZONE
\$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 604800 60
@ IN NS ns1
ns1 IN A 127.0.0.1
ZONE
cat > "$work/dns.yaml" <<YAML
listen: 127.0.0.1:$dns_port
zones: [{origin: certbench.test., file: zone}]
routing: [{name: www.certbench.test., ttl: 20, answers: 1}]
health: {intervalMillis: 500, timeoutMillis: 400, fall: 2, rise: 2}
cluster: $cluster
YAML

start_and_wait() { # name pattern args... ; waits for the pattern in its log
  local name=$1 pattern=$2; shift 2
  "$java_bin" -jar "$jar" "$@" >"$work/$name.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 1200); do
    grep -q "$pattern" "$work/$name.log" 2>/dev/null && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start:" >&2; tail -n 20 "$work/$name.log" >&2; exit 1
}
start_and_wait dns "listening on" dns --config "$work/dns.yaml"

# --- Pebble
acme=""
if [ "$renewals" -gt 0 ]; then
  pebble_port=$(free_port); pebble_mgmt=$(free_port)
  cat > "$work/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$pebble_port", "managementListenAddress": "127.0.0.1:$pebble_mgmt",
  "certificate": "$work/pebble-cert.pem", "privateKey": "$work/pebble-key.pem",
  "httpPort": $(free_port), "tlsPort": $(free_port), "ocspResponderURL": "",
  "externalAccountBindingRequired": false, "certificateValidityPeriod": $validity}}
JSON
  # no random validation sleeps, no injected bad nonces: the orders' own time is not measured
  PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
    pebble -config "$work/pebble.json" -dnsserver "127.0.0.1:$dns_port" >"$work/pebble.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    curl -sf --cacert "$work/pebble-cert.pem" "https://127.0.0.1:$pebble_port/dir" >/dev/null && break
    sleep 0.1
  done
  curl -sf --cacert "$work/pebble-cert.pem" "https://127.0.0.1:$pebble_mgmt/roots/0" \
    >"$work/pebble-root.pem" || { echo "pebble did not start:" >&2; cat "$work/pebble.log" >&2; exit 1; }
  acme="
  acme:
    directory: https://127.0.0.1:$pebble_port/dir
    contact: mailto:ops@certbench.test
    hosts: [www.certbench.test, certbench.test, \"*.certbench.test\"]
    trustRoot: \"$work/pebble-cert.pem\"
    retrySeconds: 1
    retryMaxSeconds: 4
    settleMillis: 200"
fi

# --- edges, one at a time (members starting together on a busy machine may give up joining)
edges_json=""
for e in 1 2 3; do
  http=$(free_port); tls=$(free_port)
  cat > "$work/edge$e.yaml" <<YAML
id: edge$e
latitude: 50.1
longitude: 8.7
listen: 127.0.0.1:$http
advertise: {ipv4: 127.0.0.1}
adminToken: \${CDN_ADMIN_TOKEN}
tls:
  listen: 127.0.0.1:$tls
  certificates: [{cert: "$work/files/cert.pem", key: "$work/files/key.pem"}]${watch_millis:+
  watchMillis: $watch_millis}$acme
distributions: [{host: "*", origin: "http://127.0.0.1:9"}]
cluster: $cluster
YAML
  start_and_wait "edge$e" "listening on https" edge --config "$work/edge$e.yaml"
  edges_json+="${edges_json:+,}{\"id\": \"edge$e\", \"http\": $http, \"tls\": $tls, \"log\": \"$work/edge$e.log\"}"
done
echo "DNS server :$dns_port, 3 edges, cluster port $hz_port; $renewals renewals (validity $validity s)," \
  "$file_rounds file rounds, $admin_rounds admin rounds, tls.watchMillis ${watch_millis:-default}" >&2

cat > "$work/spec.json" <<JSON
{"edges": [$edges_json], "token": "$CDN_ADMIN_TOKEN", "poll_ms": ${POLL_MS:-5},
 "renewals": $renewals, "first_timeout": 180, "renewal_timeout": $((validity * 3 + 30)),
 "acme_host": "www.certbench.test", "acme_ca": "$work/pebble-root.pem",
 "files_rounds": $file_rounds, "admin_rounds": $admin_rounds, "files_host": "www.files.test",
 "files_ca": "$work/files-ca.pem", "files_cert": "$work/files/cert.pem",
 "files_key": "$work/files/key.pem", "make_cert": "$work/make-cert"}
JSON
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
python3 bench/certprop.py "$work/spec.json"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
