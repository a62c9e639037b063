#!/usr/bin/env bash
# Control-plane propagation benchmark (issue 18): three edges and two DNS servers in one Hazelcast
# cluster on free loopback ports (never the demo's), one origin. APPLIES (default 20) times, a new
# distributions.yaml version (each differs in a comment and a behavior) is published through an
# edge's admin API (POST /_cdn/config, what `./cdn config apply` sends) and the benchmark measures
#   propagation: POST sent -> the last of the 5 members switched (each member's own `since`
#                time of the switch, as GET /_cdn/config reports it; same machine, same clock)
#   observed:    POST sent -> GET /_cdn/config first shows all 5 members on it (polled ~every 2 ms)
#   apply:       POST sent -> its 200 (the version is current in the cluster)
# and prints p50/p99/max of each. Goal of issue 18: p99 <= 1 s.
#
#   bench/config-propagation.sh            # APPLIES=20 by default
#   APPLIES=5 bench/config-propagation.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
applies=${APPLIES:-20}
jar=launcher/target/cdn.jar
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v python3 >/dev/null 2>&1 || { echo "installing python3..." >&2; apt-get install -y python3 >/dev/null; }
if [ ! -f "$jar" ]; then
  echo "building $jar..." >&2
  ./mvnw -q -B -DskipTests package
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/opencdn-config-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 - <<'PY'
import socket, random
for _ in range(200):
    p = random.randint(20000, 60000)
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", p)); s.close()
        print(p); break
    except OSError:
        continue
PY
}
hz_port=$(free_port)
origin_port=$(free_port)
export CDN_CLUSTER_SECRET="config-bench-$(date +%s)-$RANDOM$RANDOM"
export CDN_ADMIN_TOKEN="bench-token-$RANDOM$RANDOM"
cluster="{name: config-bench, secret: \${CDN_CLUSTER_SECRET}, bind: \"127.0.0.1:$hz_port\", members: [\"127.0.0.1:$hz_port-$((hz_port + 9))\"]}"

cat > "$work/zone" <<ZONE
\$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 604800 60
@ IN NS ns1
ns1 IN A 127.0.0.1
ZONE
for d in 1 2; do
  cat > "$work/dns$d.yaml" <<YAML
listen: 127.0.0.1:$(free_port)
zones: [{origin: bench.test., file: zone}]
routing: [{name: www.bench.test., ttl: 20, answers: 1}]
health: {intervalMillis: 500, timeoutMillis: 400, fall: 2, rise: 2}
cluster: $cluster
YAML
done
edge_ports=()
for e in 1 2 3; do
  port=$(free_port); edge_ports+=("$port")
  cat > "$work/edge$e.yaml" <<YAML
id: edge$e
latitude: 50.1
longitude: 8.7
listen: 127.0.0.1:$port
advertise: {ipv4: 127.0.0.1}
adminToken: \${CDN_ADMIN_TOKEN}
cluster: $cluster
YAML
done

"$java_bin" -jar "$jar" origin --listen "127.0.0.1:$origin_port" >"$work/origin.log" 2>&1 & pids+=($!)
# one member at a time: members starting together on a busy machine may give up joining
start_and_wait() { # name args... ; waits for the listening line
  local name=$1; shift
  "$java_bin" -jar "$jar" "$@" >"$work/$name.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 1200); do
    grep -q "listening on" "$work/$name.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$name did not start:" >&2; tail -n 20 "$work/$name.log" >&2; exit 1
}
start_and_wait edge1 edge --config "$work/edge1.yaml"
start_and_wait dns1 dns --config "$work/dns1.yaml"
start_and_wait edge2 edge --config "$work/edge2.yaml"
start_and_wait dns2 dns --config "$work/dns2.yaml"
start_and_wait edge3 edge --config "$work/edge3.yaml"
echo "3 edges (http ${edge_ports[*]}), 2 DNS servers, cluster port $hz_port, $applies applies" >&2

python3 - "${edge_ports[0]}" "$origin_port" "$applies" <<'PY'
import http.client, json, os, sys, time
port, origin_port, applies = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
token = os.environ["CDN_ADMIN_TOKEN"]
H = {"Authorization": "Bearer " + token}

def call(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=body, headers=H)
    r = c.getresponse(); data = r.read(); c.close()
    return r.status, data

def status():
    s, data = call("GET", "/_cdn/config")
    return json.loads(data) if s == 200 else {}

deadline = time.time() + 120
while len(status().get("members", [])) < 5:
    if time.time() > deadline:
        sys.exit("not every member reports to the control plane: %s" % status())
    time.sleep(0.2)

def doc(i):
    return f"""# benchmark round {i}
distributions:
  - id: www
    hosts: [www.bench.test, r{i}.bench.test]
    origins: [{{id: o, url: "http://127.0.0.1:{origin_port}"}}]
    behaviors:
      - {{path: "/r{i}/*", target: o, cachePolicy: CachingDisabled}}
      - {{path: "*", target: o, cachePolicy: CachingOptimized}}
"""

prop, seen, applied = [], [], []
for i in range(1, applies + 1):
    text = doc(i)
    t0 = time.time()
    s, data = call("POST", "/_cdn/config?message=round%20" + str(i), text.encode())
    t1 = time.time()
    if s != 200:
        sys.exit("apply %d: %d %s" % (i, s, data))
    h = json.loads(data)["version"]
    while True:
        st = status()
        ms = [m for m in st.get("members", []) if m["version"] == h]
        if len(ms) == 5:
            t2 = time.time()
            break
        if time.time() - t0 > 30:
            sys.exit("round %d: not every member switched within 30 s: %s" % (i, st))
        time.sleep(0.002)
    last = max(m["since"] for m in ms) / 1000.0
    prop.append((last - t0) * 1000); seen.append((t2 - t0) * 1000); applied.append((t1 - t0) * 1000)
    print("round %2d: apply %6.1f ms  last member switched %6.1f ms  observed %6.1f ms" % (i, applied[-1], prop[-1], seen[-1]))
    time.sleep(0.2)

def stats(name, v):
    v = sorted(v); n = len(v)
    p50 = v[(n + 1) // 2 - 1]; p99 = v[min(n, max(1, int(n * 0.99 + 0.999))) - 1]
    print("%-34s p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (n=%d)" % (name, p50, p99, v[-1], n))
print()
print("config propagation: %d applies, 3 edges + 2 DNS servers" % applies)
stats("apply (POST -> 200)", applied)
stats("propagation (POST -> last switch)", prop)
stats("observed (POST -> status shows all)", seen)
PY
