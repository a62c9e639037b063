#!/usr/bin/env bash
# Response headers policies on the hit path (issue 19): one edge serving the same cached 1 KB object
# under three distributions of one distributions.yaml (by Host): a behavior without a policy
# ("plain"), with SecurityHeadersPolicy (static edits, kept in the hit's header block: "sec") and
# with a policy that edits every response (CORS for a listed origin + Server-Timing: "cors"); nginx
# proxy_cache beside it, without and with the same security headers (add_header ... always).
# ROUNDS interleaved rounds of wrk; prints median req/s and server CPU per request (utime + stime of
# the server processes around each run, divided by the requests wrk completed) and the ratios.
#
#   bench/edge-headers.sh               # DURATION=5 s per run, ROUNDS=3, CONNECTIONS=64, THREADS=2
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/edge-common.sh"
need nginx nginx
need wrk wrk
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
origin_port=$(free_port); edge_port=$(free_port); nginx_port=$(free_port); nginx_sec_port=$(free_port)
CDN_ADMIN_TOKEN=$token "$java_bin" -Xmx512m -jar "$jar" origin --listen "127.0.0.1:$origin_port" \
  >"$work/origin.log" 2>&1 &
pids+=($!)
o="origins: [{id: o, url: \"http://127.0.0.1:$origin_port\"}]"
cat >"$work/distributions.yaml" <<YAML
distributions:
  - {id: plain, hosts: [plain.test], $o, behaviors: [{path: "*", target: o}]}
  - {id: sec, hosts: [sec.test], $o, behaviors: [{path: "*", target: o, responseHeadersPolicy: SecurityHeadersPolicy}]}
  - {id: cors, hosts: [cors.test], $o, behaviors: [{path: "*", target: o, responseHeadersPolicy: cors-timing}]}
responseHeadersPolicies:
  - {name: cors-timing, cors: {allowOrigins: ["https://app.example"]}, serverTiming: {enabled: true}}
YAML
CDN_ADMIN_TOKEN=$token "$java_bin" -jar "$jar" edge --access-log off --listen "127.0.0.1:$edge_port" \
  --origin "http://127.0.0.1:$origin_port" --distributions "$work/distributions.yaml" >"$work/edge.log" 2>&1 &
edge_pid=$!
pids+=($edge_pid)
proxy="proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_cache edge; proxy_cache_lock on; add_header X-Cache \$upstream_cache_status;"
cat >"$work/nginx.conf" <<NGINX
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
  server { listen 127.0.0.1:$nginx_port; location / { $proxy } }
  server {
    listen 127.0.0.1:$nginx_sec_port;
    location / {
      $proxy
      add_header Referrer-Policy strict-origin-when-cross-origin always;
      add_header Strict-Transport-Security "max-age=31536000" always;
      add_header X-Content-Type-Options nosniff always;
      add_header X-Frame-Options SAMEORIGIN always;
      add_header X-XSS-Protection "1; mode=block" always;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf" >"$work/nginx.out" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$origin_port/gen/ping" 60
wait_http "http://127.0.0.1:$edge_port/_cdn/health" 60
wait_http "http://127.0.0.1:$nginx_port/gen/ping" 30
nginx_master=$(cat "$work/nginx.pid")
nginx_pids="$nginx_master $(ps -o pid= --ppid "$nginx_master" | tr '\n' ' ')"
path='/gen/1k.bin?size=1024&cc=max-age%3D3600'
# name port host pids
targets=("plain $edge_port plain.test $edge_pid" "sec $edge_port sec.test $edge_pid"
  "cors $edge_port cors.test $edge_pid" "nginx $nginx_port x $nginx_pids" "nginx-sec $nginx_sec_port x $nginx_pids")
for t in "${targets[@]}"; do
  read -r name port host _ <<<"$t"
  curl -s -o /dev/null -H "Host: $host" "http://127.0.0.1:$port$path"
  h=$(curl -s -o /dev/null -D - -H "Host: $host" -H "Origin: https://app.example" "http://127.0.0.1:$port$path" | tr -d '\r')
  echo "$h" | grep -qi '^x-cache: hit' || { echo "warm-up: $name is not a hit" >&2; echo "$h" >&2; exit 1; }
  echo "$name: $(echo "$h" | grep -ci 'strict-transport-security') HSTS, $(echo "$h" | grep -ci 'server-timing') Server-Timing, $(echo "$h" | grep -ci 'access-control-allow-origin') ACAO"
  wrk -t"$threads" -c"$connections" -d3s -H "Host: $host" "http://127.0.0.1:$port$path" >/dev/null 2>&1
done
ticks() { # utime+stime of the processes still alive (nginx's cache loader exits after a while)
  local s=0 p t
  for p in "$@"; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    s=$((s + t))
  done
  echo $s
}
hz=$(getconf CLK_TCK)
echo "wrk -t$threads -c$connections -d${duration}s, $rounds interleaved rounds; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%F)"
: >"$work/results"
for r in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do
    read -r name port host tpids <<<"$t"
    before=$(ticks $tpids)
    out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" -H "Host: $host" -H "Origin: https://app.example" "http://127.0.0.1:$port$path")
    after=$(ticks $tpids)
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    n=$(echo "$out" | awk '/requests in/{print $1}')
    cpu=$(python3 -c "print(round(($after - $before) / $hz * 1e6 / max(1, $n), 1))")
    echo "$name $r $rps $cpu" | tee -a "$work/results"
  done
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, _, rps, cpu = line.split()
    rows.setdefault(name, []).append((float(rps), float(cpu)))
m = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for k, v in rows.items()}
for k, (rps, cpu) in m.items():
    print(f"{k:10s} median req/s {rps:9.0f}  cpu_us/req {cpu:6.1f}")
for a, b in (("sec", "plain"), ("cors", "plain"), ("nginx-sec", "nginx"), ("sec", "nginx-sec")):
    print(f"{a}/{b}: req/s {m[a][0] / m[b][0]:.2f}x, cpu/req {m[a][1] / m[b][1]:.2f}x")
PY
