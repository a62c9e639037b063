#!/usr/bin/env bash
# Failover benchmark of the geo-DNS server (issue 4): a DNS server and two edges in one Hazelcast
# cluster on free loopback ports (never the demo's); the edge nearest to a London client is killed
# with SIGKILL and restarted ITERATIONS times (default 20). For each round it measures
#   detection: SIGKILL -> the DNS answer for London no longer names the killed edge
#   recovery:  restarted edge's /_cdn/health answers -> the DNS answer names it again
#   restart:   restart command -> the DNS answer names it again (includes JVM + cluster join)
# and prints p50/p99/max of each. Polls with dig every 50 ms (the resolution of the figures).
#
#   bench/failover.sh            # ITERATIONS=20 by default
#   ITERATIONS=5 bench/failover.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
iterations=${ITERATIONS:-20}
jar=launcher/target/cdn.jar
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2..." >&2; apt-get install -y "$2" >/dev/null; }; }
need dig dnsutils
need curl curl
need python3 python3
if [ ! -f "$jar" ]; then
  echo "building $jar..." >&2
  ./mvnw -q -B -DskipTests package
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/opencdn-failover-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  [ -n "${edge_pid:-}" ] && kill -9 "$edge_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# free TCP+UDP ports on 127.0.0.1 (the loopback aliases below share the port space per address,
# so a port free on 127.0.0.1 is picked and reused on the aliases, checked there too)
free_port() {
  python3 - "$@" <<'PY'
import socket, sys, random
hosts = sys.argv[1:] or ["127.0.0.1"]
for _ in range(200):
    p = random.randint(20000, 60000)
    try:
        for h in hosts:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(socket.AF_INET, kind); s.bind((h, p)); s.close()
        print(p); break
    except OSError:
        continue
PY
}
dns_ip=127.0.0.41; near_ip=127.0.0.42; far_ip=127.0.0.43
dns_port=$(free_port $dns_ip)
http_port=$(free_port $near_ip $far_ip)
hz_port=$(free_port $dns_ip $near_ip $far_ip)
origin_port=$(free_port 127.0.0.1)   # nothing listens there: edges only need to be healthy
export CDN_CLUSTER_SECRET="failover-bench-$(date +%s)-$RANDOM$RANDOM"
export CDN_ADMIN_TOKEN="bench-token-$RANDOM$RANDOM"
members="[$dns_ip:$hz_port, $near_ip:$hz_port, $far_ip:$hz_port]"

cat > "$work/dns.yaml" <<YAML
listen: $dns_ip:$dns_port
zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
health: {intervalMillis: 500, timeoutMillis: 400, fall: 2, rise: 2}
rrl: {enabled: false}
cluster: {name: failover-bench, secret: \${CDN_CLUSTER_SECRET}, bind: $dns_ip:$hz_port, members: $members}
YAML
edge_yaml() { # id ip lat lon
  cat > "$work/edge-$1.yaml" <<YAML
id: $1
region: $1
latitude: $3
longitude: $4
listen: $2:$http_port
advertise: {ipv4: $2, ipv6: null}
capacity: 1000
adminToken: \${CDN_ADMIN_TOKEN}
distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:$origin_port"}]
cluster: {name: failover-bench, secret: \${CDN_CLUSTER_SECRET}, bind: $2:$hz_port, members: $members}
YAML
}
edge_yaml near $near_ip 50.11 8.68     # Frankfurt: nearest to London
edge_yaml far $far_ip 39.04 -77.49     # Ashburn

"$java_bin" -jar "$jar" dns --config "$work/dns.yaml" >"$work/dns.log" 2>&1 & pids+=($!)
"$java_bin" -jar "$jar" edge --config "$work/edge-far.yaml" >"$work/edge-far.log" 2>&1 & pids+=($!)
start_near() { "$java_bin" -jar "$jar" edge --config "$work/edge-near.yaml" >>"$work/edge-near.log" 2>&1 & edge_pid=$!; }
start_near

now_ms() { date +%s%3N; }
answer() { dig +time=1 +tries=1 +short @"$dns_ip" -p "$dns_port" www.cdn.test A +subnet=81.2.69.0/24 2>/dev/null | head -1 || true; }
wait_for() { # description, timeout ms, command...
  local what=$1 limit=$2; shift 2
  local deadline=$(( $(now_ms) + limit ))
  until "$@"; do
    if [ "$(now_ms)" -gt "$deadline" ]; then
      echo "timed out waiting for $what (answer now: '$(answer)')" >&2
      for f in "$work"/*.log; do echo "== $f" >&2; tail -n 8 "$f" >&2; done
      exit 1
    fi
    sleep 0.05
  done
}
answers() { [ "$(answer)" = "$1" ]; }
not_answers() { local a; a=$(answer); [ -n "$a" ] && [ "$a" != "$1" ]; }
healthy() { curl -fsS -o /dev/null --max-time 1 "http://$near_ip:$http_port/_cdn/health" 2>/dev/null; }

echo "dns $dns_ip:$dns_port, edges near=$near_ip far=$far_ip (http $http_port), cluster port $hz_port, $iterations rounds" >&2
wait_for "the first answer naming the near edge" 90000 answers $near_ip

detect=(); recover=(); restart=()
for i in $(seq 1 "$iterations"); do
  t0=$(now_ms)
  kill -9 "$edge_pid"; wait "$edge_pid" 2>/dev/null || true
  wait_for "failover to the far edge" 30000 not_answers $near_ip
  t1=$(now_ms)
  detect+=($((t1 - t0)))
  t2=$(now_ms)
  start_near
  wait_for "the restarted edge's health endpoint" 60000 healthy
  t3=$(now_ms)
  wait_for "the near edge answered again" 30000 answers $near_ip
  t4=$(now_ms)
  recover+=($((t4 - t3))); restart+=($((t4 - t2)))
  printf 'round %2d: detection %5d ms  recovery %5d ms  (restart to answer %5d ms)\n' "$i" $((t1 - t0)) $((t4 - t3)) $((t4 - t2))
done

stats() { # name values...
  local name=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v name="$name" '{v[NR]=$1} END {
    p50=v[int((NR+1)/2)]; i99=int(NR*0.99+0.999); if (i99<1) i99=1; if (i99>NR) i99=NR;
    printf "%-28s p50 %5d ms  p99 %5d ms  max %5d ms  (n=%d)\n", name, p50, v[i99], v[NR], NR }'
}
echo
echo "failover benchmark: $iterations SIGKILL/restart rounds, health interval 500 ms, fall 2, rise 2, dig polling every 50 ms"
stats "detection (kill -> gone)" "${detect[@]}"
stats "recovery (healthy -> back)" "${recover[@]}"
stats "restart -> answered again" "${restart[@]}"
