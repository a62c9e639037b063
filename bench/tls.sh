#!/usr/bin/env bash
# HTTPS benchmark of the edge (issue 20) against nginx, side by side: the same origin (the
# origin-stub), the same ECDSA P-256 certificate (made here with openssl), both caches warmed with
# the same objects, then the same load on each:
#   keep-alive hits, 1 KB and 100 KB         wrk -t$THREADS -c$CONNECTIONS over TLS
#   full handshakes/s                        wrk with "Connection: close": a new TLS connection per request
#   full and resumed handshakes/s            openssl s_time -new / -reuse ($CLIENTS processes), GET of the 1 KB object
#   HTTP/2 hits, 1 KB                        h2load -c$CONNECTIONS -m10 (Debian nghttp2-client)
# Prints req/s (or connections/s), the server CPU time per request (utime + stime of the server
# processes from /proc/<pid>/stat around each run: nginx's master and workers, the edge's JVM) and
# the ratios edge/nginx: each load runs WARM seconds on both, then ROUNDS interleaved rounds (the
# order alternating) and the medians are printed, with each round's ratios. The clients share the
# machine's cores with the servers: on a small machine CPU per request is the steadier figure.
#
#   bench/tls.sh                     # DURATION=10 s per run, CONNECTIONS=64, THREADS=2, CLIENTS=4,
#                                    # WARM=30 s of each load on each first, ROUNDS=3 interleaved rounds
#   DURATION=5 ROUNDS=5 bench/tls.sh
#   ONLY='new|reuse' bench/tls.sh    # only the loads whose kind matches (keepalive close new reuse h2)
#
# nginx: worker_processes auto, ssl_session_cache shared + session tickets (its defaults otherwise),
# TLS 1.2 and 1.3, http2; the edge: tls.engine auto (logged; OpenSSL/BoringSSL where it loads).
# Neither logs accesses. Installs nginx, wrk, openssl and nghttp2-client with apt-get when missing.
# Uses free loopback ports (never the demo's).
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
clients=${CLIENTS:-4}
rounds=${ROUNDS:-3}
warm=${WARM:-30}
BENCH_NAME=tls
source "$(dirname "${BASH_SOURCE[0]}")/edge-common.sh"
need nginx nginx
need wrk wrk
need openssl openssl
need h2load nghttp2-client
export CDN_ADMIN_TOKEN=$token
edge_port=$(free_port); edge_tls=$(free_port); nginx_port=$(free_port)
host=www.bench.test

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

start_origin
cat >"$work/edge.yaml" <<YAML
id: bench
latitude: 50.11
longitude: 8.68
listen: 127.0.0.1:$edge_port
tls:
  listen: 127.0.0.1:$edge_tls
  certificates:
    - {cert: "$work/cert.pem", key: "$work/key.pem"}
accessLog: {enabled: false}
distributions:
  - host: "*"
    origin: http://127.0.0.1:$origin_port
YAML
"$java_bin" -Dorg.slf4j.simpleLogger.log.access=warn -jar "$jar" edge --config "$work/edge.yaml" >"$work/edge.log" 2>&1 &
edge_pid=$!
pids+=($edge_pid)

{
  nginx_head
  cat <<EOF
http {
  access_log off;
  proxy_cache_path $work/nginx-cache levels=1:2 keys_zone=edge:50m max_size=1g inactive=1h use_temp_path=off;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:SSL:20m;
  ssl_session_tickets on;
  server {
    listen 127.0.0.1:$nginx_port ssl http2;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    keepalive_requests 1000000;
$(nginx_proxy_location)
  }
}
EOF
} >"$work/nginx.conf"
start_nginx

wait_http "https://127.0.0.1:$edge_tls/_cdn/health" 90
wait_http "https://127.0.0.1:$nginx_port/gen/ping" 30
engine=$(grep -o 'TLS engine [^(]*([^)]*)' "$work/edge.log" | head -1 || true)

k1="/gen/1k.bin?size=1024&cc=max-age%3D3600"
k100="/gen/100k.bin?size=102400&cc=max-age%3D3600"
for p in "$k1" "$k100"; do
  for port in $edge_tls $nginx_port; do
    expect_hit "https://127.0.0.1:$port$p"
  done
done

# s_time sends "GET <path> HTTP/1.0" without a Host header: both must answer it with 200 too
for port in $edge_tls $nginx_port; do
  code=$(curl -sk --http1.0 -H 'Host:' -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port$k1")
  [ "$code" = 200 ] || { echo "HTTP/1.0 without Host on $port: $code, not 200" >&2; exit 1; }
done

# measure KIND PORT PATH PIDS... -> "rate cpu_us_per_unit"
measure() {
  local kind=$1 port=$2 path=$3 before after
  shift 3
  before=$(cpu_ticks "$@")
  case $kind in
    keepalive) wrk -t"$threads" -c"$connections" -d"${duration}s" "https://127.0.0.1:$port$path" >"$work/out" 2>&1 ;;
    close) wrk -t"$threads" -c"$connections" -d"${duration}s" -H "Connection: close" "https://127.0.0.1:$port$path" >"$work/out" 2>&1 ;;
    new|reuse)
      local i spids=()
      rm -f "$work"/out.*
      for i in $(seq 1 "$clients"); do
        openssl s_time -connect "127.0.0.1:$port" -"$kind" -time "$duration" -www "$path" >"$work/out.$i" 2>&1 &
        spids+=($!)
      done
      wait "${spids[@]}"
      for i in $(seq 1 "$clients"); do tail -n 1 "$work/out.$i"; done >"$work/out" ;;
    h2) h2load -c"$connections" -m10 -t"$threads" -D"$duration" "https://127.0.0.1:$port$path" >"$work/out" 2>&1 ;;
  esac
  after=$(cpu_ticks "$@")
  python3 - "$kind" "$work/out" "$((after - before))" "$hz" "$duration" <<'PY'
import re, sys
kind, t, ticks, hz, duration = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
if kind in ("keepalive", "close"):
    if "Requests/sec" not in t:
        sys.exit("wrk failed:\n" + t)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    units = int(re.search(r"(\d+) requests in", t).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    if errors:
        sys.exit("non-2xx answers:\n" + t)
elif kind in ("new", "reuse"):
    # the last line of each s_time process: "N connections in T real seconds, ..."
    found = re.findall(r"(\d+) connections in ([\d.]+) real seconds", t)
    if len(found) != int(t.count("\n")) or not found:
        sys.exit("s_time failed:\n" + t)
    units = sum(int(n) for n, _ in found)
    rate = sum(int(n) / max(float(secs), 0.001) for n, secs in found)
else:
    m = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", t)
    done = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded", t)
    if not m or not done:
        sys.exit("h2load failed:\n" + t)
    rate, units = float(m.group(1)), int(done.group(2))
cpu_us = ticks / hz * 1e6 / max(1, units)
print(f"{rate:.0f} {cpu_us:.1f}")
PY
}

echo "edge HTTPS vs nginx $(nginx -v 2>&1 | sed 's#.*/##'): $(nproc) cores, $(date -u +%F), ${duration}s per run; edge ${engine:-engine not logged}"
printf "%-34s %12s %12s %8s %12s %12s %8s\n" load nginx edge ratio nginx_cpu_us edge_cpu_us ratio
row() { # label kind path
  local label=$1 kind=$2 path=$3 r n_rates=() n_cpus=() e_rates=() e_cpus=() n_rate n_cpu e_rate e_cpu
  [[ $kind =~ ${ONLY:-.} ]] || return 0
  # a warm-up of both with the same load (the JVM compiles the handshake and request paths)
  DURATION_SAVE=$duration; duration=$warm
  measure "$kind" "$edge_tls" "$path" "$edge_pid" >/dev/null
  measure "$kind" "$nginx_port" "$path" $nginx_pids >/dev/null
  duration=$DURATION_SAVE
  # interleaved rounds, the order alternating, so the machine's drift hits both alike
  for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) = 1 ]; then
      read -r n_rate n_cpu <<<"$(measure "$kind" "$nginx_port" "$path" $nginx_pids)"
      read -r e_rate e_cpu <<<"$(measure "$kind" "$edge_tls" "$path" "$edge_pid")"
    else
      read -r e_rate e_cpu <<<"$(measure "$kind" "$edge_tls" "$path" "$edge_pid")"
      read -r n_rate n_cpu <<<"$(measure "$kind" "$nginx_port" "$path" $nginx_pids)"
    fi
    n_rates+=("$n_rate"); n_cpus+=("$n_cpu"); e_rates+=("$e_rate"); e_cpus+=("$e_cpu")
  done
  python3 - "$label" "${n_rates[*]}" "${e_rates[*]}" "${n_cpus[*]}" "${e_cpus[*]}" <<'PY'
import statistics, sys
label = sys.argv[1]
n, e, nc, ec = ([float(x) for x in a.split()] for a in sys.argv[2:6])
rate = [b / max(a, 1) for a, b in zip(n, e)]
cpu = [b / max(a, 0.001) for a, b in zip(nc, ec)]
m = statistics.median
print(f"{label:34s} {m(n):12.0f} {m(e):12.0f} {m(rate):7.2f}x {m(nc):12.1f} {m(ec):12.1f} {m(cpu):7.2f}x"
      f"   rounds: {' '.join(f'{x:.2f}' for x in rate)} / {' '.join(f'{x:.2f}' for x in cpu)}")
PY
}
row "keep-alive hits 1 KB (req/s)" keepalive "$k1"
row "keep-alive hits 100 KB (req/s)" keepalive "$k100"
row "full handshakes, wrk close (req/s)" close "$k1"
row "full handshakes, s_time -new (/s)" new "$k1"
row "resumed handshakes, s_time -reuse" reuse "$k1"
row "HTTP/2 hits 1 KB, h2load (req/s)" h2 "$k1"
echo "ratio: edge/nginx, the median of $rounds interleaved rounds' ratios (rate: higher is better for the edge;"
echo "cpu per request: lower is better); rounds: each round's rate ratios / cpu ratios"
