#!/usr/bin/env bash
# Cold-traffic benchmark of the edge (issue 15): every request a URL nobody asked for before, so
# every request is a miss filled from the origin. Side by side in one run, in front of the same
# origin (the origin-stub):
#   nginx       nginx proxy_cache (disk cache, proxy_cache_lock on, upstream keep-alive)
#   standalone  our edge as `cdn edge --listen --origin` (no cluster)
#   cluster     three of our edges as `cdn edge --config` in one Hazelcast cluster (one region
#               each, like the demo); the load goes to one of them, whose misses take the
#               cluster-wide fill lease and announce their copies
#   origin      the origin alone (the floor)
# For 64 B and 100 KB bodies at 16 and 64 connections it prints misses/s, p50/p99 latency, the
# servers' CPU time per miss (utime+stime from /proc of the proxy's processes: nginx master and
# workers, the edge JVM, all three cluster JVMs) and the ratios to nginx. Then:
#   - p99 at half of peak: each proxy at half the rate nginx reached with 64 B bodies, 16
#     connections (wrk's delay()), against the origin's p99 at the same rate;
#   - a mixed workload: 80% of requests from a Zipf(0.9) set of 20,000 URLs (hits once warm),
#     20% first-time URLs, 64 connections.
# Access logs are off on both (nginx access_log off; our edges with --access-log off).
#
#   bench/miss.sh                    # ROUNDS=3 of DURATION=10 s per run, WARMUP=30 s per target first
#   DURATION=5 WARMUP=20 ROUNDS=1 bench/miss.sh
# Narrower runs and A/B comparisons (the p99 and mixed parts then are skipped, as with EXTRA=0):
#   TARGETS="nginx cluster" SIZES=64 CONNS=16   # a subset of targets, body sizes, connection counts
#   BEFORE_JAR=/tmp/x/cdn.jar                   # (its lib/ beside it) a second three-edge cluster of
#                                               # that build, target "before", measured in turn
#   JVM_OPTS="-Xmx1g"                           # extra options of every edge JVM of ours
#   CLUSTER_OPTS=... BEFORE_OPTS=...            # extra options of the cluster's / the "before"
#                                               # cluster's JVMs (BEFORE_OPTS alone: a second
#                                               # cluster of the same build with those options)
#   PROFILE=/tmp/prof                           # each measured cluster run: a JFR recording of each
#       of its JVMs (jcmd JFR.start settings=profile) and the CPU, system time and context switches
#       of their threads by group per miss (bench/threads.py); summarise a recording's CPU samples
#       with bench/jfr-top.py; JFR=0 leaves the recordings out
# Each round runs every target in turn, so a slow phase of this shared VM touches all of them;
# the table gives the median of the rounds with the range of misses/s.
# Our edges are JVMs: their first 30-40 s under this load are JIT compilation (seen with
# -XX:+PrintCompilation: 3.7k, 13.7k, 20.1k, 23.0k misses/s in four 10 s runs from a cold start), so
# each target gets WARMUP seconds of the same load on URLs of its own before it is measured.
#
# Installs nginx and wrk with apt-get when missing. Uses free loopback ports and the loopback
# addresses 127.0.0.31-33 for the cluster (never the demo's).
duration=${DURATION:-10}
warmup=${WARMUP:-30}
rounds=${ROUNDS:-3}
BENCH_NAME=miss
source "$(dirname "${BASH_SOURCE[0]}")/edge-common.sh"
need nginx nginx
need wrk wrk
export CDN_ADMIN_TOKEN=$token
secret="bench-secret-$RANDOM$RANDOM$RANDOM$RANDOM"
jvm_opts=${JVM_OPTS:-}
start_origin

standalone_port=$(free_port)
"$java_bin" $jvm_opts -jar "$jar" edge --access-log off --listen "127.0.0.1:$standalone_port" \
  --origin "http://127.0.0.1:$origin_port" >"$work/standalone.log" 2>&1 &
standalone_pid=$!
pids+=($standalone_pid)

# start_cluster NAME JAR FIRST_ADDRESS [JVM options...] -> three edges of that build on 127.0.0.FIRST.. in one
# Hazelcast cluster; sets procs[NAME] (their pids) and url[NAME] (the second edge's, loaded)
declare -A url procs cluster_admin
start_cluster() {
  local name=$1 jar_path=$2 first=$3 i addr http_port hz_base members cpids=() https=()
  shift 3
  hz_base=$(free_port "127.0.0.$first")
  members="[127.0.0.$first:$hz_base, 127.0.0.$((first + 1)):$hz_base, 127.0.0.$((first + 2)):$hz_base]"
  for i in 0 1 2; do
    addr=127.0.0.$((first + i))
    http_port=$(free_port "$addr")
    cat >"$work/$name-$i.yaml" <<YAML
id: ${regions[$i]}
region: ${regions[$i]}
latitude: 50.0
longitude: 8.0
listen: $addr:$http_port
advertise: {ipv4: $addr}
adminToken: $CDN_ADMIN_TOKEN
cache: {memoryBytes: 268435456}
origin: {timeoutMillis: 30000}
distributions:
  - host: "*"
    origin: http://127.0.0.1:$origin_port
cluster:
  name: miss-bench-$name
  secret: $secret
  bind: $addr:$hz_base
  members: $members
YAML
    # shellcheck disable=SC2086
    "$java_bin" $jvm_opts "$@" -jar "$jar_path" edge --access-log off --config "$work/$name-$i.yaml" \
      >"$work/$name-$i.log" 2>&1 &
    cpids+=($!)
    pids+=($!)
    https+=("$addr:$http_port")
  done
  procs[$name]="${cpids[*]}"
  url[$name]="http://${https[1]}"
  cluster_admin[$name]="${https[*]}"
}
regions=(us-east eu-west ap-northeast)
# shellcheck disable=SC2086
start_cluster cluster "$jar" 31 ${CLUSTER_OPTS:-}
if [ -n "${BEFORE_JAR:-}" ] || [ -n "${BEFORE_OPTS:-}" ]; then
  before_jar=$jar
  if [ -n "${BEFORE_JAR:-}" ]; then
    mkdir -p "$work/before"
    cp "$BEFORE_JAR" "$work/before/cdn.jar"
    cp -r "$(dirname "$BEFORE_JAR")/lib" "$work/before/lib"
    before_jar=$work/before/cdn.jar
  fi
  # shellcheck disable=SC2086
  start_cluster before "$before_jar" 34 ${BEFORE_OPTS:-}
fi

nginx_port=$(free_port)
{
  nginx_head
  cat <<EOF
http {
  access_log off;
  proxy_cache_path $work/nginx-cache levels=1:2 keys_zone=edge:100m max_size=4g inactive=1h use_temp_path=off;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
$(nginx_proxy_location)
  }
}
EOF
} >"$work/nginx.conf"
start_nginx

wait_http "http://127.0.0.1:$standalone_port/_cdn/health" 60
wait_http "http://127.0.0.1:$nginx_port/gen/ping" 30
for c in "${!cluster_admin[@]}"; do
  read -ra addrs <<<"${cluster_admin[$c]}"
  for a in "${addrs[@]}"; do wait_http "http://$a/_cdn/health" 120; done
  members_seen=0
  for _ in $(seq 1 120); do
    members_seen=$(curl -s -H "Authorization: Bearer $CDN_ADMIN_TOKEN" "http://${addrs[1]}/_cdn/cluster" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["members"])' 2>/dev/null || echo 0)
    [ "$members_seen" = 3 ] && break
    sleep 0.5
  done
  [ "$members_seen" = 3 ] || { echo "cluster $c has $members_seen members, expected 3" >&2; exit 1; }
done

# every request a new URL: /gen/d.bin?size=SIZE&cc=max-age%3D86400&u=RUN-THREAD-N
cat >"$work/unique.lua" <<'LUA'
local counter, prefix, size, gap = 0, "", "64", 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args)
  prefix = args[1] .. "-" .. tostring(tid); size = args[2]; gap = tonumber(args[3] or "0")
end
function delay() return gap end
function request()
  counter = counter + 1
  return wrk.format("GET", "/gen/d.bin?size=" .. size .. "&cc=max-age%3D86400&u=" .. prefix .. "-" .. counter,
    {["Host"] = "www.cdn.test"})
end
LUA
# 80% from a Zipf(0.9) set of KEYS URLs, 20% first-time URLs; seeded, so every target gets the same trace
cat >"$work/zipf.lua" <<'LUA'
local counter, prefix, size, keys, cdf = 0, "", "64", 20000, {}
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args)
  prefix = args[1]; size = args[2]; keys = tonumber(args[3])
  math.randomseed(42 + tid)
  local sum = 0
  for k = 1, keys do sum = sum + 1 / k ^ 0.9; cdf[k] = sum end
  for k = 1, keys do cdf[k] = cdf[k] / sum end
end
local function zipf()
  local r, lo, hi = math.random(), 1, keys
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < r then lo = mid + 1 else hi = mid end
  end
  return lo
end
function request()
  local path
  if math.random() < 0.8 then
    path = "/gen/z" .. zipf() .. ".bin?size=" .. size .. "&cc=max-age%3D86400&r=" .. prefix
  else
    counter = counter + 1
    path = "/gen/n.bin?size=" .. size .. "&cc=max-age%3D86400&u=" .. prefix .. "-" .. tid .. "-" .. counter
  end
  return wrk.format("GET", path, {["Host"] = "www.cdn.test"})
end
LUA

run() { # url connections script args... -- pids... -> "rps avg p50 p99 non2xx cpu_us_per_request"
  local url=$1 conns=$2 script=$3 before after
  shift 3
  local args=()
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift
  before=$(cpu_ticks "$@")
  wrk -t1 -c"$conns" -d"${duration}s" --latency -s "$script" "$url" -- "${args[@]}" >"$work/wrk.out" 2>&1
  after=$(cpu_ticks "$@")
  wrk_figures "$work/wrk.out" "$((after - before))" --socket-errors
}

url[origin]="http://127.0.0.1:$origin_port"
url[nginx]="http://127.0.0.1:$nginx_port"
url[standalone]="http://127.0.0.1:$standalone_port"
procs[origin]="$origin_pid"
procs[nginx]="$nginx_pids"
procs[standalone]="$standalone_pid"
read -ra targets <<<"${TARGETS:-origin nginx standalone cluster}"
[ -n "${url[before]:-}" ] && [[ " ${targets[*]} " != *" before "* ]] && targets+=(before)
for t in "${targets[@]}"; do
  [ -n "${url[$t]:-}" ] || { echo "unknown target $t (origin nginx standalone cluster, before with BEFORE_JAR)" >&2; exit 2; }
done
read -ra sizes <<<"${SIZES:-64 102400}"
read -ra conn_counts <<<"${CONNS:-16 64}"

# PROFILE=DIR: each measured run of a cluster gets, in DIR, a JFR recording of each of its JVMs
# (profile settings: CPU samples every 10-20 ms, thread parks, monitor waits) and the CPU, system
# time and context switches of its threads by group (bench/threads.py), per miss
profile_start() { # prefix pids...
  local prefix=$1 p
  shift
  mkdir -p "$(dirname "$prefix")"
  python3 bench/threads.py snap "$prefix.threads-before.json" "$@"
  [ "${JFR:-1}" = 0 ] && return 0
  for p in "$@"; do
    "$jcmd_bin" "$p" JFR.start name=miss settings=profile >/dev/null
  done
}
profile_stop() { # prefix pids...
  local prefix=$1 i=0 p n
  shift
  python3 bench/threads.py snap "$prefix.threads-after.json" "$@"
  for p in "$@"; do
    [ "${JFR:-1}" = 0 ] || "$jcmd_bin" "$p" JFR.stop name=miss filename="$prefix-edge$i.jfr" >/dev/null
    i=$((i + 1))
  done
  n=$(grep -oE '[0-9]+ requests in' "$work/wrk.out" | grep -oE '^[0-9]+')
  python3 bench/threads.py diff "$prefix.threads-before.json" "$prefix.threads-after.json" "$n" \
    >"$prefix.threads.txt"
  echo "profile of $prefix ($n misses; edge1 took the load):" >&2
  cat "$prefix.threads.txt" >&2
}

run_id=$RANDOM$RANDOM
for t in "${targets[@]}"; do
  [ "$t" = origin ] && continue
  echo "warming up $t (${warmup}s)..." >&2
  wrk -t1 -c64 -d"${warmup}s" -s "$work/unique.lua" "${url[$t]}" -- "w$run_id-$t" 64 >/dev/null 2>&1
done

echo "edge miss path: every request a first-time URL; wrk -t1 -d${duration}s; $(nproc) cores, $(date -u +%F)"
echo "cpu_us/miss: the proxy's processes only (the origin's own CPU is not counted, except for 'origin')"
results=$work/results.txt
: >"$results"
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  for size in "${sizes[@]}"; do
    for conns in "${conn_counts[@]}"; do
      for t in "${targets[@]}"; do
        # warm-up (connection pools, the object sizes) on URLs of its own
        wrk -t1 -c"$conns" -d3s -s "$work/unique.lua" "${url[$t]}" -- "w$run_id-$round-$t-$size-$conns" "$size" >/dev/null 2>&1
        profiled=""
        if [ -n "${PROFILE:-}" ] && [ -n "${cluster_admin[$t]:-}" ]; then
          profiled=$PROFILE/$t-$size-$conns-r$round
          profile_start "$profiled" ${procs[$t]}
        fi
        read -r rps avg p50 p99 err cpu <<<"$(run "${url[$t]}" "$conns" "$work/unique.lua" \
          "m$run_id-$round-$t-$size-$conns" "$size" -- ${procs[$t]})"
        [ -n "$profiled" ] && profile_stop "$profiled" ${procs[$t]}
        echo "$size $conns $t $rps $avg $p50 $p99 $err $cpu" >>"$results"
      done
    done
  done
done
# medians over the rounds, and the ratios of the medians
python3 - "$results" "$rounds" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
rounds = int(sys.argv[2])
by, order = {}, []
for size, conns, t, *vals in rows:
    if (size, conns) not in order:
        order.append((size, conns))
    by.setdefault((size, conns, t), []).append([float(v) for v in vals])
targets = list(dict.fromkeys(r[2] for r in rows))
print(f"{'body':6s} {'conns':5s} {'target':10s} {'misses/s':>9s} {'(min-max)':>15s} {'avg_ms':>7s} {'p50_ms':>7s} {'p99_ms':>7s} {'errors':>6s} {'cpu_us/miss':>11s}")
med = {}
for size, conns in order:
    for t in targets:
        v = by[(size, conns, t)]
        m = [statistics.median(x[i] for x in v) for i in range(6)]
        med[(size, conns, t)] = m
        lo, hi = min(x[0] for x in v), max(x[0] for x in v)
        print(f"{size:6s} {conns:5s} {t:10s} {m[0]:9.0f} {f'({lo:.0f}-{hi:.0f})':>15s} {m[1]:7.2f} {m[2]:7.2f} {m[3]:7.2f} "
              f"{sum(x[4] for x in v):6.0f} {m[5]:11.1f}")
    if "nginx" in targets:
        n = med[(size, conns, "nginx")]
        others = [t for t in targets if t not in ("origin", "nginx")]
        print(f"{size:6s} {conns:5s} ratio to nginx (medians of {rounds}): "
              + ", ".join(f"{t} {med[(size, conns, t)][0] / n[0]:.2f}x" for t in others)
              + " misses/s; cpu/miss "
              + ", ".join(f"{t} {med[(size, conns, t)][5] / n[5]:.2f}x" for t in others)
              + " (lower is better)")
with open(sys.argv[1] + ".peak", "w") as f:
    if ("64", "16", "nginx") in med:
        f.write(f"{med[('64', '16', 'nginx')][0]:.0f}\n")
PY

# the p99 at half of peak and the mixed workload: with the default targets only
if [ "${EXTRA:-1}" = 0 ] || [ -n "${TARGETS:-}" ]; then
  exit 0
fi
echo
half=$(( $(cat "$results.peak") / 2 ))
gap=$(python3 -c "print(max(0, int(16 * 1000 / $half)))")
echo "p99 at half of nginx's peak (64 B, 16 connections, wrk delay ${gap} ms per request and connection, target ~$half/s)"
printf "%-10s %9s %8s %8s\n" target misses/s p50_ms p99_ms
declare -A p99h
for t in origin nginx standalone cluster; do
  read -r rps avg p50 p99 err cpu <<<"$(run "${url[$t]}" 16 "$work/unique.lua" "h$run_id-$t" 64 "$gap" -- ${procs[$t]})"
  printf "%-10s %9s %8s %8s\n" "$t" "$rps" "$p50" "$p99"
  p99h[$t]=$p99
done
python3 - "${p99h[origin]}" "${p99h[standalone]}" "${p99h[cluster]}" <<'PY'
import sys
o, s, c = map(float, sys.argv[1:])
print(f"goal p99 <= origin p99 + 5 ms = {o + 5:.2f} ms: standalone {'met' if s <= o + 5 else 'NOT met'} ({s:.2f}), "
      f"cluster {'met' if c <= o + 5 else 'NOT met'} ({c:.2f})")
PY

echo
echo "mixed: 80% Zipf(0.9) over 20,000 URLs, 20% first-time URLs, 64 B, 64 connections (after a ${duration}s warm pass)"
printf "%-10s %9s %8s %8s %8s %6s %10s\n" target req/s avg_ms p50_ms p99_ms errors cpu_us/req
declare -A zr
for t in nginx standalone cluster; do
  wrk -t1 -c64 -d"${duration}s" -s "$work/zipf.lua" "${url[$t]}" -- "z$run_id-$t" 64 20000 >/dev/null 2>&1
  read -r rps avg p50 p99 err cpu <<<"$(run "${url[$t]}" 64 "$work/zipf.lua" "z$run_id-$t" 64 20000 -- ${procs[$t]})"
  printf "%-10s %9s %8s %8s %8s %6s %10s\n" "$t" "$rps" "$avg" "$p50" "$p99" "$err" "$cpu"
  zr[$t]=$rps
done
echo "mixed ratio to nginx: standalone $(ratio "${zr[standalone]}" "${zr[nginx]}")x, cluster $(ratio "${zr[cluster]}" "${zr[nginx]}")x"

leases=$(curl -s -H "Authorization: Bearer $CDN_ADMIN_TOKEN" "${url[cluster]}/_cdn/cluster")
echo
echo "cluster edge counters: $leases"
