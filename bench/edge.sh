#!/usr/bin/env bash
# Hit-path benchmark of the edge (issue 5): nginx proxy_cache and our edge in front of the same
# origin (the origin-stub), both warmed, then the same wrk load on a cached 1 KB and a cached
# 100 KB object. Prints req/s, latency (avg, p50, p99), the server CPU time per request (utime +
# stime of the server processes from /proc/<pid>/stat around each wrk run, divided by the requests
# wrk completed: nginx summed over its master and workers, the edge's JVM as a whole) and the
# ratios edge/nginx. On a small machine where wrk shares the cores, CPU per request is the steadier
# figure of the two.
#
#   bench/edge.sh                    # DURATION=10 s per run, CONNECTIONS=64, THREADS=2
#   DURATION=5 CONNECTIONS=32 bench/edge.sh
#   EDGE_CMD="java -cp ... io.opencdn.edge.EdgeCommand" bench/edge.sh   # another edge build
#
# Both proxies run without access logs (nginx access_log off; our edge with --access-log off).
#
#   LOGS=compare ROUNDS=5 bench/edge.sh   # access logs: nginx with access_log on (default
#       combined format, a file), our edge with the JSON access log on (standard output redirected
#       to a file) and our edge with it off; ROUNDS interleaved rounds (each round runs every
#       object on every server), then the median req/s and CPU/request of each and the ratios
#       ours-on/nginx-on and ours-on/ours-off.
# Installs nginx and wrk with apt-get when missing. Uses free loopback ports (never the demo's).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
jar=launcher/target/cdn.jar
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2..." >&2; apt-get install -y "$2" >/dev/null; }; }
need nginx nginx
need wrk wrk
need curl curl
need python3 python3
if [ ! -f "$jar" ]; then
  echo "building $jar..." >&2
  ./mvnw -q -B -DskipTests package
fi

work=$(mktemp -d /tmp/cdn-edge-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null || true
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT

# a private copy, so a concurrent rebuild of the launcher cannot swap jars under a running benchmark
mkdir -p "$work/app"
cp "$jar" "$work/app/"
[ -d launcher/target/lib ] && cp -r launcher/target/lib "$work/app/lib"
jar=$work/app/cdn.jar

free_port() {
  python3 - <<'PY'
import socket, random
for _ in range(200):
    p = random.randint(20000, 60000)
    try:
        s = socket.socket(); s.bind(("127.0.0.1", p)); s.close(); print(p); break
    except OSError:
        continue
PY
}
origin_port=$(free_port); edge_port=$(free_port); nginx_port=$(free_port)

wait_http() { # url, seconds
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "not answering: $1" >&2; exit 1; }
    sleep 0.2
  done
}

export CDN_ADMIN_TOKEN="bench-token-$RANDOM$RANDOM$RANDOM"
"$java_bin" -jar "$jar" origin --listen "127.0.0.1:$origin_port" >"$work/origin.log" 2>&1 &
pids+=($!)
logs=${LOGS:-off}
case "$logs" in off|compare) ;; *) echo "LOGS must be off or compare, got $logs" >&2; exit 2;; esac
edge_cmd=${EDGE_CMD:-"$java_bin -jar $jar edge"}
$edge_cmd --access-log off --listen "127.0.0.1:$edge_port" --origin "http://127.0.0.1:$origin_port" >"$work/edge.log" 2>&1 &
edge_pid=$!
pids+=($edge_pid)
if [ "$logs" = compare ]; then
  edge_log_port=$(free_port); nginx_log_port=$(free_port)
  $edge_cmd --access-log json --admin-token "$CDN_ADMIN_TOKEN" --listen "127.0.0.1:$edge_log_port" --origin "http://127.0.0.1:$origin_port" \
    >"$work/edge-access.log" 2>"$work/edge-log.err" &
  edge_log_pid=$!
  pids+=($edge_log_pid)
fi

cat >"$work/nginx.conf" <<EOF
worker_processes auto;
daemon off;
user root;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  proxy_cache_path $work/nginx-cache levels=1:2 keys_zone=edge:50m max_size=1g inactive=1h use_temp_path=off;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_cache edge;
      proxy_cache_lock on;
      proxy_cache_revalidate on;
      add_header X-Cache \$upstream_cache_status;
    }
  }
EOF
if [ "$logs" = compare ]; then
  cat >>"$work/nginx.conf" <<EOF
  server {
    listen 127.0.0.1:$nginx_log_port;
    access_log $work/nginx-access.log;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_cache edge;
      proxy_cache_lock on;
      proxy_cache_revalidate on;
      add_header X-Cache \$upstream_cache_status;
    }
  }
EOF
fi
echo "}" >>"$work/nginx.conf"
nginx -c "$work/nginx.conf" >"$work/nginx.out" 2>&1 &
pids+=($!)

wait_http "http://127.0.0.1:$origin_port/gen/ping" 60
wait_http "http://127.0.0.1:$edge_port/_cdn/health" 60
wait_http "http://127.0.0.1:$nginx_port/gen/ping" 30
if [ "$logs" = compare ]; then
  wait_http "http://127.0.0.1:$edge_log_port/_cdn/health" 60
  wait_http "http://127.0.0.1:$nginx_log_port/gen/ping" 30
fi
nginx_master=$(cat "$work/nginx.pid")
nginx_pids="$nginx_master $(ps -o pid= --ppid "$nginx_master" | tr '\n' ' ')"

cpu_ticks() { # pids... -> utime+stime summed over the processes (all their threads), in clock ticks
  local sum=0 p t
  for p in "$@"; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    sum=$((sum + t))
  done
  echo "$sum"
}
hz=$(getconf CLK_TCK)

paths=("/gen/1k.bin?size=1024&cc=max-age%3D3600" "/gen/100k.bin?size=102400&cc=max-age%3D3600")
for p in "${paths[@]}"; do
  for port in $edge_port $nginx_port ${edge_log_port:-} ${nginx_log_port:-}; do
    curl -s -o /dev/null "http://127.0.0.1:$port$p"
    status=$(curl -s -o /dev/null -D - "http://127.0.0.1:$port$p" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache"{print $2}')
    case "$status" in Hit*|HIT) ;; *) echo "warm-up: $port$p is not a hit (X-Cache: $status)" >&2; exit 1;; esac
  done
done

run() { # port path pids... -> "rps avg p50 p99 non2xx cpu_us_per_request"
  local port=$1 path=$2 before after
  shift 2
  before=$(cpu_ticks "$@")
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port$path" >"$work/wrk.out" 2>&1
  after=$(cpu_ticks "$@")
  python3 - "$work/wrk.out" "$((after - before))" "$hz" <<'PY'
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
print(f"{rps:.0f} {avg:.2f} {p50:.2f} {p99:.2f} {errors.group(1) if errors else 0} {cpu_us:.1f}")
PY
}

if [ "$logs" = compare ]; then
  rounds=${ROUNDS:-5}
  echo "access logs on: nginx access_log (file) vs our JSON access log (file), and ours with it off"
  echo "wrk -t$threads -c$connections -d${duration}s, $rounds interleaved rounds, medians; $(nproc) cores, $(date -u +%F)"
  : >"$work/results"
  for p in "${paths[@]}"; do
    for port in $edge_port $edge_log_port $nginx_log_port; do
      wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$port$p" >/dev/null 2>&1
    done
  done
  for r in $(seq 1 "$rounds"); do
    for p in "${paths[@]}"; do
      name=$(echo "$p" | sed -E 's#/gen/([^.]+)\..*#\1#')
      echo "$name nginx-log $r $(run "$nginx_log_port" "$p" $nginx_pids)" | tee -a "$work/results"
      echo "$name ours-log $r $(run "$edge_log_port" "$p" "$edge_log_pid")" | tee -a "$work/results"
      echo "$name ours-nolog $r $(run "$edge_port" "$p" "$edge_pid")" | tee -a "$work/results"
    done
  done
  echo "lines in the logs: nginx $(wc -l <"$work/nginx-access.log"), ours $(wc -l <"$work/edge-access.log")"
  echo "ours dropped: $(curl -s -H "Authorization: Bearer $CDN_ADMIN_TOKEN" "http://127.0.0.1:$edge_log_port/_cdn/metrics" | awk '/^cdn_access_log_dropped_total/{print $2}')"
  python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, server, _, rps, avg, p50, p99, err, cpu = line.split()
    rows.setdefault((name, server), []).append((float(rps), float(cpu), float(p99)))
print(f"{'object':8s} {'server':11s} {'median req/s':>12s} {'median cpu_us/req':>18s} {'median p99_ms':>14s}  (all req/s)")
for (name, server), v in rows.items():
    print(f"{name:8s} {server:11s} {statistics.median(x[0] for x in v):12.0f} {statistics.median(x[1] for x in v):18.1f} "
          f"{statistics.median(x[2] for x in v):14.2f}  {[int(x[0]) for x in v]}")
for name in sorted({k[0] for k in rows}):
    m = {s: statistics.median(x[0] for x in rows[(name, s)]) for s in ("nginx-log", "ours-log", "ours-nolog")}
    c = {s: statistics.median(x[1] for x in rows[(name, s)]) for s in ("nginx-log", "ours-log", "ours-nolog")}
    print(f"{name:8s} ours-log/nginx-log req/s {m['ours-log']/m['nginx-log']:.2f}x (goal >= 1.0), "
          f"ours-log/ours-nolog req/s {m['ours-log']/m['ours-nolog']:.2f}x (goal >= 0.90); "
          f"cpu/req ours-log/nginx-log {c['ours-log']/c['nginx-log']:.2f}x, ours-log/ours-nolog {c['ours-log']/c['ours-nolog']:.2f}x")
PY
  exit 0
fi

echo "edge hit path vs nginx proxy_cache: wrk -t$threads -c$connections -d${duration}s, $(nproc) cores, $(date -u +%F)"
printf "%-8s %-6s %10s %9s %9s %9s %6s %10s\n" object proxy req/s avg_ms p50_ms p99_ms non2xx cpu_us/req
for p in "${paths[@]}"; do
  name=$(echo "$p" | sed -E 's#/gen/([^.]+)\..*#\1#')
  # a short JIT/keep-alive warm-up of both with the same load
  wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$edge_port$p" >/dev/null 2>&1
  wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$nginx_port$p" >/dev/null 2>&1
  read -r n_rps n_avg n_p50 n_p99 n_err n_cpu <<<"$(run "$nginx_port" "$p" $nginx_pids)"
  read -r e_rps e_avg e_p50 e_p99 e_err e_cpu <<<"$(run "$edge_port" "$p" "$edge_pid")"
  printf "%-8s %-6s %10s %9s %9s %9s %6s %10s\n" "$name" nginx "$n_rps" "$n_avg" "$n_p50" "$n_p99" "$n_err" "$n_cpu"
  printf "%-8s %-6s %10s %9s %9s %9s %6s %10s\n" "$name" edge "$e_rps" "$e_avg" "$e_p50" "$e_p99" "$e_err" "$e_cpu"
  python3 -c "print(f'{\"$name\":8s} ratio edge/nginx req/s: {$e_rps/$n_rps:.2f}x, cpu/req: {$e_cpu/$n_cpu:.2f}x (lower is better)')"
done
