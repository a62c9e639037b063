#!/usr/bin/env bash
# Invalidation latency of the edge cluster (issues 6 and 15), measured on separate processes as
# users run them: three edges started with `cdn edge --config` (one JVM each, one Hazelcast
# cluster, loopback addresses 127.0.0.41-43, random secret and ports). Each round caches OBJECTS
# objects on all three edges, then POSTs an invalidation (exact path, prefix wildcard, surrogate
# key in turn) at a rotating edge and polls GET /_cdn/invalidations/{id} every millisecond until
# it says Completed (every live edge purged and acknowledged). Prints p50/p90/p99/max of
# POST-to-Completed and whether the target (p50 <= 100 ms, p99 <= 250 ms) is met. There is no
# peer product to run side by side here: the figure is compared with the target.
#
#   bench/purge.sh              # ROUNDS=100 OBJECTS=20
#   ROUNDS=300 bench/purge.sh
#   MODE=jvm bench/purge.sh     # the older in-JVM variant (three members in one test JVM)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
rounds=${ROUNDS:-100}
objects=${OBJECTS:-20}
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [ "${MODE:-processes}" = jvm ]; then
  cp_file=$(mktemp /tmp/cdn-purge-bench-cp.XXXXXX)
  trap 'rm -f "$cp_file"' EXIT
  ./mvnw -q -B -pl edge-node test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
  cp="edge-node/target/test-classes:edge-node/target/classes:$(cat "$cp_file")"
  exec timeout 300 "$java_bin" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dhazelcast.logging.type=none -cp "$cp" \
    io.opencdn.edge.cluster.PurgeBench "$rounds" "$objects"
fi

jar=launcher/target/cdn.jar
if [ ! -f "$jar" ]; then
  echo "building $jar..." >&2
  ./mvnw -q -B -DskipTests package
fi
work=$(mktemp -d /tmp/cdn-purge-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/app"
cp "$jar" "$work/app/"
[ -d launcher/target/lib ] && cp -r launcher/target/lib "$work/app/lib"
jar=$work/app/cdn.jar

free_port() { # address
  python3 - "$1" <<'PY'
import socket, random, sys
for _ in range(200):
    p = random.randint(20000, 60000)
    try:
        s = socket.socket(); s.bind((sys.argv[1], p)); s.close(); print(p); break
    except OSError:
        continue
PY
}
wait_http() { # url, seconds
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "not answering: $1" >&2; exit 1; }
    sleep 0.2
  done
}

token="bench-token-$RANDOM$RANDOM$RANDOM"
secret="bench-secret-$RANDOM$RANDOM$RANDOM$RANDOM"
origin_port=$(free_port 127.0.0.1)
"$java_bin" -jar "$jar" origin --listen "127.0.0.1:$origin_port" >"$work/origin.log" 2>&1 &
pids+=($!)
hz_base=$(free_port 127.0.0.41)
edges=()
for i in 1 2 3; do
  addr=127.0.0.4$i
  port=$(free_port "$addr")
  cat >"$work/edge-$i.yaml" <<YAML
id: edge-$i
region: region-$i
latitude: 50.0
longitude: 8.0
listen: $addr:$port
advertise: {ipv4: $addr}
adminToken: $token
accessLog: {enabled: false}
distributions:
  - host: "*"
    origin: http://127.0.0.1:$origin_port
cluster:
  name: purge-bench
  secret: $secret
  bind: $addr:$hz_base
  members: [127.0.0.41:$hz_base, 127.0.0.42:$hz_base, 127.0.0.43:$hz_base]
YAML
  "$java_bin" -jar "$jar" edge --config "$work/edge-$i.yaml" \
    >"$work/edge-$i.log" 2>&1 &
  pids+=($!)
  edges+=("http://$addr:$port")
done
wait_http "http://127.0.0.1:$origin_port/gen/ping" 60
for e in "${edges[@]}"; do wait_http "$e/_cdn/health" 120; done

python3 - "$rounds" "$objects" "$token" "${edges[@]}" <<'PY'
import http.client, json, sys, time, urllib.parse
rounds, objects, token, edges = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
conns = {}
def conn(edge):
    if edge not in conns:
        u = urllib.parse.urlparse(edge)
        conns[edge] = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    return conns[edge]
def req(edge, method, path, body=None, admin=False):
    h = {"Host": "www.cdn.test"}
    if admin:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        h["Content-Type"] = "application/json"
    c = conn(edge)
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    return r.status, r.getheader("X-Cache") or "", r.read()
# the cluster has three members before anything is measured
deadline = time.time() + 60
while json.loads(req(edges[0], "GET", "/_cdn/cluster", admin=True)[2])["members"] != 3:
    if time.time() > deadline:
        sys.exit("the cluster did not form")
    time.sleep(0.2)
millis = []
for r in range(rounds):
    kind = r % 3
    tag = f"tag-{r}"
    paths = [f"/gen/p{r}-{i}.bin?size=512&cc=max-age%3D600&sk={tag}" for i in range(objects)]
    for p in paths:
        for e in edges:
            req(e, "GET", p)
    for e in edges:  # cached everywhere: a Hit on each
        s, x, _ = req(e, "GET", paths[0])
        if not x.startswith("Hit"):
            sys.exit(f"round {r}: not cached on {e}: {x}")
    body = {0: {"paths": [paths[0]]}, 1: {"paths": [f"/gen/p{r}-*"]}, 2: {"surrogateKeys": [tag]}}[kind]
    edge = edges[r % 3]
    t0 = time.perf_counter()
    s, _, b = req(edge, "POST", "/_cdn/invalidations", json.dumps(body), admin=True)
    if s != 202:
        sys.exit(f"POST answered {s}: {b!r}")
    iid = json.loads(b)["id"]
    status = json.loads(b).get("status")
    while status != "Completed":
        time.sleep(0.001)
        status = json.loads(req(edge, "GET", f"/_cdn/invalidations/{iid}", admin=True)[2])["status"]
    millis.append((time.perf_counter() - t0) * 1000)
    for e in edges:
        s, x, _ = req(e, "GET", paths[0])
        if x.startswith("Hit"):
            sys.exit(f"round {r}: still a Hit on {e} after Completed")
millis.sort()
pct = lambda p: millis[min(len(millis) - 1, int(round(p / 100 * (len(millis) - 1))))]
print(f"invalidations: {rounds} on 3 edge processes, {objects} cached objects per round on each")
print(f"POST-to-Completed ms: p50 {pct(50):.1f}  p90 {pct(90):.1f}  p99 {pct(99):.1f}  max {millis[-1]:.1f}")
ok = pct(50) <= 100 and pct(99) <= 250
print("target p50 <= 100 ms, p99 <= 250 ms: " + ("met" if ok else "NOT met"))
PY
