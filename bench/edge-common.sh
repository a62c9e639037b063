# Shared set-up of the edge benchmarks (sourced, not run): edge.sh, miss.sh, tls.sh,
# edge-memory.sh, edge-zipf.sh, and the live ones through live-common.sh. Sourcing it:
#   - installs curl and python3 when missing (`need CMD PACKAGE` for the rest), builds
#     launcher/target/cdn.jar when missing, and copies it with its lib/ into a private work dir
#     ($work; $jar points at the copy), so a concurrent rebuild cannot swap jars under a run;
#   - on exit kills exactly the PIDs in $pids (and nginx by its pid file), calls
#     `cleanup_extra` when the script defines it, and removes $work (kept when KEEP is set).
# Then the script uses the helpers below: free loopback ports (never the demo's), waiting with a
# deadline, the origin-stub, nginx's configuration and start, CPU time from /proc, wrk's figures,
# ratios. Set BENCH_NAME before sourcing to name the work dir (/tmp/cdn-$BENCH_NAME-bench.XXXXXX).
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

work=$(mktemp -d "/tmp/cdn-${BENCH_NAME:-edge}-bench.XXXXXX")
chmod 755 "$work"
pids=()
cleanup() {
  if declare -F cleanup_extra >/dev/null; then cleanup_extra || true; fi
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null || true
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a private copy, so a concurrent rebuild of the launcher cannot swap jars under a running benchmark
mkdir -p "$work/app"
cp launcher/target/cdn.jar "$work/app/"
[ -d launcher/target/lib ] && cp -r launcher/target/lib "$work/app/lib"
jar=$work/app/cdn.jar

free_port() { # [address] -> a port free on it now, never one of the demo's
  python3 - "${1:-127.0.0.1}" <<'PY'
import socket, random, sys
for _ in range(200):
    p = random.randint(20000, 60000)
    if p in (1935, 5701, 8053, 8080, 9090):
        continue
    try:
        s = socket.socket(); s.bind((sys.argv[1], p)); s.close(); print(p); break
    except OSError:
        continue
PY
}

wait_until() { # description seconds command...
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $what" >&2; exit 1; }
    sleep 0.2
  done
}

wait_http() { # url seconds: until it answers 2xx (https without checking the certificate)
  local deadline=$((SECONDS + $2))
  until curl -skf -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "not answering: $1" >&2; exit 1; }
    sleep 0.2
  done
}

token="bench-token-$RANDOM$RANDOM$RANDOM$RANDOM"

# start_origin [java options...] -> sets origin_port origin_pid; the origin-stub, answering
start_origin() {
  origin_port=$(free_port)
  CDN_ADMIN_TOKEN=$token "$java_bin" "$@" -jar "$jar" origin --listen "127.0.0.1:$origin_port" \
    >"$work/origin.log" 2>&1 &
  origin_pid=$!
  pids+=($origin_pid)
  wait_http "http://127.0.0.1:$origin_port/gen/ping" 60
}

# nginx_head [workers] [connections] -> the top of an nginx.conf in $work: pid file, error log,
# no daemon, worker_connections (4096 unless given)
nginx_head() {
  cat <<EOF
worker_processes ${1:-auto};
daemon off;
user root;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections ${2:-4096}; }
EOF
}

# nginx_proxy_location -> the proxy_cache location every edge benchmark gives nginx
# (upstream "origin", cache zone "edge")
nginx_proxy_location() {
  cat <<'EOF'
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_cache edge;
      proxy_cache_lock on;
      proxy_cache_revalidate on;
      add_header X-Cache $upstream_cache_status;
    }
EOF
}

# start_nginx -> runs nginx -c $work/nginx.conf; sets nginx_pids (master and workers) once it
# has written its pid file
start_nginx() {
  nginx -c "$work/nginx.conf" >"$work/nginx.out" 2>&1 &
  pids+=($!)
  wait_until "nginx's pid file" 30 test -s "$work/nginx.pid"
  local master
  master=$(cat "$work/nginx.pid")
  wait_until "nginx's workers" 10 pgrep -P "$master"
  nginx_pids="$master $(ps -o pid= --ppid "$master" | tr '\n' ' ')"
}

# expect_hit URL: fetches it twice and fails unless the second answer is a cache hit
expect_hit() {
  local status
  curl -sk -o /dev/null "$1"
  status=$(curl -sk -o /dev/null -D - "$1" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache"{print $2}')
  case "$status" in Hit*|HIT) ;; *) echo "warm-up: $1 is not a hit (X-Cache: $status)" >&2; exit 1;; esac
}

cpu_ticks() { # pids... -> utime+stime summed over the processes (all their threads), in clock ticks
  local sum=0 p t
  for p in "$@"; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    sum=$((sum + t))
  done
  echo "$sum"
}
hz=$(getconf CLK_TCK)

# wrk_figures WRK_OUTPUT TICKS [--socket-errors] -> "rps avg p50 p99 errors cpu_us_per_request"
# (latencies in ms; errors: non-2xx/3xx answers, plus socket errors when asked; the CPU ticks
# the servers used during the run, per request)
wrk_figures() {
  python3 - "$1" "$2" "$hz" "${3:-}" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
if "Requests/sec" not in t:
    sys.stderr.write("wrk failed:\n" + t)
    sys.exit(1)
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m|h)$", v)
    if not m:
        sys.stderr.write("cannot read a latency from wrk: " + v + "\n" + t)
        sys.exit(1)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000, "h": 3600000}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
avg = ms(re.search(r"^\s+Latency\s+(\S+)", t, re.M).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
requests = int(re.search(r"(\d+) requests in", t).group(1))
cpu_us = int(sys.argv[2]) / int(sys.argv[3]) * 1e6 / max(1, requests)
bad = int(errors.group(1)) if errors else 0
sock = re.search(r"Socket errors: (.*)", t)
if sys.argv[4] == "--socket-errors" and sock:
    bad += sum(int(x) for x in re.findall(r"\d+", sock.group(1)))
print(f"{rps:.0f} {avg:.2f} {p50:.2f} {p99:.2f} {bad} {cpu_us:.1f}")
PY
}

ratio() { # A B -> A/B with two decimals
  python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"
}

# start_pair MEMORY_BYTES EDGE_XMX -> sets origin_port edge_port edge_pid edge_url: the
# origin-stub and one edge with a memory cache of that size (edge-memory.sh, edge-zipf.sh)
start_pair() {
  start_origin -Xmx512m
  edge_port=$(free_port)
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
  wait_http "$edge_url/_cdn/health" 60
}

stats() { curl -s -H "Authorization: Bearer $token" "$edge_url/_cdn/stats"; }
