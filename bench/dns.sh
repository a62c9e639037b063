#!/usr/bin/env bash
# Authoritative DNS benchmark: gdnsd (geoip plugin) vs our server (java -jar launcher/target/cdn.jar dns),
# one after the other, same machine, same zone, same GeoLite2 City database, same three edges, same
# dnsperf workload (bench/dns/queries.py: 60% geo name with ECS from random public /24s, 25% static
# names, 15% NXDOMAIN). For each server:
#   1. warm-up            (WARM s, unmeasured; gives the JIT its chance, gdnsd gets the same)
#   2. peak run           (PEAK s): queries/s, lost, server CPU time per query (/proc/<pid>/stat utime+stime)
#   3. 80%-of-peak run    (STEADY s, dnsperf -Q): lost queries, p50/p99 latency (dnsperf -v per-query latencies)
# Then the ratios ours/gdnsd. Needs root for apt-get when dnsperf/gdnsd are missing. Loopback only.
#   bench/dns.sh                     # defaults: WARM=20 PEAK=20 STEADY=10 CLIENTS=4 (about 2 minutes)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WARM=${WARM:-20}; PEAK=${PEAK:-20}; STEADY=${STEADY:-10}; CLIENTS=${CLIENTS:-4}; OUTSTANDING=${OUTSTANDING:-200}
JAR="$ROOT/launcher/target/cdn.jar"

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need dnsperf dnsperf
need gdnsd gdnsd
command -v python3 >/dev/null || { echo "bench: python3 is needed to write the query file" >&2; exit 2; }
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B install -DskipTests)

RUN="$(mktemp -d /tmp/dnsbench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$RUN"; }
trap cleanup EXIT

# The GeoLite2 City database of the geolite2-databases jar (the one our server embeds).
DBJAR="$(ls "$ROOT"/launcher/target/lib/geolite2-databases-*.jar 2>/dev/null | head -1 || true)"
[ -n "$DBJAR" ] || DBJAR="$(ls ~/.m2/repository/org/elasticsearch/geolite2-databases/*/geolite2-databases-*.jar | head -1)"
unzip -o -q -j "$DBJAR" '*GeoLite2-City.mmdb' -d "$RUN"
MMDB="$RUN/GeoLite2-City.mmdb"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fill() { sed -e "s|@PORT@|$2|g; s|@RUN@|$RUN|g; s|@MMDB@|$MMDB|g" "$1"; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
wait_udp() { for _ in $(seq 1 150); do dig +time=1 +tries=1 +short @127.0.0.1 -p "$1" cdn.test SOA >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "bench: nothing answers on $1" >&2; return 1; }

python3 "$HERE/dns/queries.py" "$RUN/queries.bin" 200000

# one server: name pid port -> sets QPS LOST CPUQ P50 P99 LOST80
measure() {
  local name=$1 pid=$2 port=$3 hz out
  hz=$(getconf CLK_TCK)
  dnsperf -s 127.0.0.1 -p "$port" -B -d "$RUN/queries.bin" -l "$WARM" -c "$CLIENTS" -q "$OUTSTANDING" >/dev/null 2>&1
  local t0 t1; t0=$(cpu_ticks "$pid")
  out=$(dnsperf -s 127.0.0.1 -p "$port" -B -d "$RUN/queries.bin" -l "$PEAK" -c "$CLIENTS" -q "$OUTSTANDING" 2>&1)
  t1=$(cpu_ticks "$pid")
  local done; done=$(awk '/Queries completed:/{print $3}' <<<"$out")
  QPS=$(awk '/Queries per second:/{printf "%d", $4}' <<<"$out")
  LOST=$(awk '/Queries lost:/{print $3" "$4}' <<<"$out")
  CPUQ=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="$done" 'BEGIN{printf "%.2f", t / hz * 1e6 / n}')
  local rate=$((QPS * 8 / 10))
  dnsperf -s 127.0.0.1 -p "$port" -B -d "$RUN/queries.bin" -l "$STEADY" -c "$CLIENTS" -q "$OUTSTANDING" -Q "$rate" -v > "$RUN/$name.v" 2>&1 || true
  LOST80=$(awk '/Queries lost:/{print $3" "$4}' "$RUN/$name.v")
  read -r P50 P99 < <(awk '/^> /{print $NF}' "$RUN/$name.v" | sort -g | awk '{a[NR]=$1} END{printf "%.0f %.0f\n", a[int(NR*0.5)]*1e6, a[int(NR*0.99)]*1e6}')
  printf '%-6s peak %8s q/s  lost %-12s cpu %6s us/query | at 80%% (%s q/s): lost %-12s p50 %5s us  p99 %6s us\n' \
    "$name" "$QPS" "$LOST" "$CPUQ" "$rate" "$LOST80" "$P50" "$P99"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "dnsperf $(dnsperf -h 2>&1 | awk '/^Version/{print $2}'), gdnsd $(gdnsd -h 2>&1 | awk '/version/{print $3; exit}'), $(java -version 2>&1 | head -1)"
echo "workload: 60% www.cdn.test A + ECS (random public /24), 25% static, 15% NXDOMAIN; $CLIENTS clients, $OUTSTANDING outstanding"

# gdnsd with its geoip plugin
GPORT=$(free_port)
mkdir -p "$RUN/gdnsd/zones"
fill "$HERE/dns/gdnsd-config.in" "$GPORT" > "$RUN/gdnsd/config"
cp "$HERE/dns/gdnsd-cdn.test.zone" "$RUN/gdnsd/zones/cdn.test"
gdnsd -c "$RUN/gdnsd" start > "$RUN/gdnsd.log" 2>&1 &
GPID=$!; PIDS+=("$GPID")
wait_udp "$GPORT"
measure gdnsd "$GPID" "$GPORT"
G=("$QPS" "$CPUQ" "$P50" "$P99")
kill "$GPID"; wait "$GPID" 2>/dev/null || true

# ours: no cluster, the three edges declared statically, RRL off (loopback is exempt anyway)
OPORT=$(free_port)
cp "$HERE/dns/cdn.test.zone" "$RUN/cdn.test.zone"
fill "$HERE/dns/dns.yaml.in" "$OPORT" > "$RUN/dns.yaml"
java ${JAVA_OPTS:-} -jar "$JAR" dns --config "$RUN/dns.yaml" > "$RUN/ours.log" 2>&1 &
OPID=$!; PIDS+=("$OPID")
wait_udp "$OPORT"
measure ours "$OPID" "$OPORT"
O=("$QPS" "$CPUQ" "$P50" "$P99")
kill "$OPID"; wait "$OPID" 2>/dev/null || true

awk -v oq="${O[0]}" -v gq="${G[0]}" -v oc="${O[1]}" -v gc="${G[1]}" -v o5="${O[2]}" -v g5="${G[2]}" -v o9="${O[3]}" -v g9="${G[3]}" 'BEGIN{
  printf "ratio ours/gdnsd: throughput %.2fx (target >= 1.0), cpu per query %.2fx (target <= 1.5), p50 %.2fx, p99 %.2fx\n",
    oq/gq, oc/gc, (g5>0?o5/g5:0), (g9>0?o9/g9:0) }'
