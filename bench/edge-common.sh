# Shared helpers of bench/edge-memory.sh and bench/edge-zipf.sh (sourced, not run).
# Copies cdn.jar and its lib/ into a private work dir (so a concurrent rebuild of the launcher
# cannot swap jars under a running benchmark), picks free loopback ports, starts the origin-stub
# and the edge from a generated config, and kills exactly the PIDs it started on exit.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
jcmd_bin=${JAVA_HOME:+$JAVA_HOME/bin/}jcmd

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2..." >&2; apt-get install -y "$2" >/dev/null; }; }
need curl curl
need python3 python3
if [ ! -f launcher/target/cdn.jar ]; then
  echo "building launcher/target/cdn.jar..." >&2
  ./mvnw -q -B -DskipTests package
fi

work=$(mktemp -d /tmp/cdn-edge-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/app"
cp launcher/target/cdn.jar "$work/app/"
cp -r launcher/target/lib "$work/app/lib"
jar=$work/app/cdn.jar

free_port() {
  python3 - <<'PY'
import socket, random
for _ in range(200):
    p = random.randint(20000, 60000)
    if p in (8053, 8080, 9090, 5701):
        continue
    try:
        s = socket.socket(); s.bind(("127.0.0.1", p)); s.close(); print(p); break
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

token="bench-token-$RANDOM$RANDOM$RANDOM$RANDOM"

# start_pair MEMORY_BYTES EDGE_XMX -> sets origin_port edge_port edge_pid edge_url
start_pair() {
  origin_port=$(free_port); edge_port=$(free_port)
  CDN_ADMIN_TOKEN=$token "$java_bin" -Xmx512m -jar "$jar" origin --listen "127.0.0.1:$origin_port" \
    >"$work/origin.log" 2>&1 &
  pids+=($!)
  cat >"$work/edge.yaml" <<YAML
id: bench
latitude: 50.11
longitude: 8.68
listen: 127.0.0.1:$edge_port
adminToken: $token
cache:
  memoryBytes: $1
origin:
  timeoutMillis: 30000
accessLog: {enabled: false}
distributions:
  - host: "*"
    origin: http://127.0.0.1:$origin_port
YAML
  "$java_bin" -Xmx"$2" -jar "$jar" edge --config "$work/edge.yaml" \
    >"$work/edge.log" 2>&1 &
  edge_pid=$!
  pids+=($edge_pid)
  edge_url="http://127.0.0.1:$edge_port"
  wait_http "http://127.0.0.1:$origin_port/gen/ping" 60
  wait_http "$edge_url/_cdn/health" 60
}

stats() { curl -s -H "Authorization: Bearer $token" "$edge_url/_cdn/stats"; }
