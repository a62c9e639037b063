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
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
logs=${LOGS:-off}
case "$logs" in off|compare) ;; *) echo "LOGS must be off or compare, got $logs" >&2; exit 2;; esac
source "$(dirname "${BASH_SOURCE[0]}")/edge-common.sh"
need nginx nginx
need wrk wrk
export CDN_ADMIN_TOKEN=$token

start_origin
edge_port=$(free_port); nginx_port=$(free_port)
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

{
  nginx_head
  cat <<EOF
http {
  access_log off;
  proxy_cache_path $work/nginx-cache levels=1:2 keys_zone=edge:50m max_size=1g inactive=1h use_temp_path=off;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
$(nginx_proxy_location)
  }
EOF
  if [ "$logs" = compare ]; then
    cat <<EOF
  server {
    listen 127.0.0.1:$nginx_log_port;
    access_log $work/nginx-access.log;
$(nginx_proxy_location)
  }
EOF
  fi
  echo "}"
} >"$work/nginx.conf"
start_nginx

wait_http "http://127.0.0.1:$edge_port/_cdn/health" 60
wait_http "http://127.0.0.1:$nginx_port/gen/ping" 30
if [ "$logs" = compare ]; then
  wait_http "http://127.0.0.1:$edge_log_port/_cdn/health" 60
  wait_http "http://127.0.0.1:$nginx_log_port/gen/ping" 30
fi

paths=("/gen/1k.bin?size=1024&cc=max-age%3D3600" "/gen/100k.bin?size=102400&cc=max-age%3D3600")
for p in "${paths[@]}"; do
  for port in $edge_port $nginx_port ${edge_log_port:-} ${nginx_log_port:-}; do
    expect_hit "http://127.0.0.1:$port$p"
  done
done

run() { # port path pids... -> "rps avg p50 p99 non2xx cpu_us_per_request"
  local port=$1 path=$2 before after
  shift 2
  before=$(cpu_ticks "$@")
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port$path" >"$work/wrk.out" 2>&1
  after=$(cpu_ticks "$@")
  wrk_figures "$work/wrk.out" "$((after - before))"
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
  printf "%-8s ratio edge/nginx req/s: %sx, cpu/req: %sx (lower is better)\n" "$name" "$(ratio "$e_rps" "$n_rps")" "$(ratio "$e_cpu" "$n_cpu")"
done
