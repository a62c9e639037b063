#!/usr/bin/env bash
# Authoritative DNS benchmark: gdnsd (geoip plugin) vs our server (java -jar launcher/target/cdn.jar dns),
# same machine, same zone, same GeoLite2 City database, same three edges, same dnsperf workload
# (bench/dns/queries.py: 60% geo name with ECS from random public /24s, 25% static names, 15%
# NXDOMAIN). Both servers run side by side on their own ports; only one is loaded at a time:
#   1. warm-up            (WARM s each, unmeasured; gives the JIT its chance, gdnsd gets the same)
#   2. ROUNDS peak runs   (PEAK s each, the two servers taking turns, the first of each round
#                          alternating): queries/s, lost, server CPU time per query (/proc/<pid>/stat
#                          utime+stime); a round's ratio compares runs a few seconds apart, so
#                          the machine's drift (other tenants, turbo) hits both alike
#   3. 80%-of-peak run    (STEADY s each, dnsperf -Q at 80% of the server's median peak): lost
#                          queries, p50/p99 latency (dnsperf -v per-query latencies)
# Then the ratios ours/gdnsd: per round, and their median. All of it once per entry of THREADS
# (default "2 1"): both servers get that many threads (gdnsd udp_threads, our 'threads'); 2 is
# gdnsd's default and ours on two cores, 1 leaves a core to dnsperf. Needs root for apt-get when
# dnsperf/gdnsd are missing. Loopback only.
# CLIENTS (16) is dnsperf's number of sockets: with two threads each server spreads them over two
# SO_REUSEPORT sockets by a hash of the addresses, and with 4 one socket often got 3 or all 4 of
# them (one thread busy, the other idle: a different split in every run, for either server).
#   bench/dns.sh        # defaults: THREADS="2 1" WARM=20 PEAK=15 ROUNDS=3 STEADY=10 CLIENTS=16 (about 6 minutes)
#   bench/dns.sh --dnssec   # DNSSEC mode: ours signed vs ours unsigned vs PowerDNS signed (bench/dns-dnssec.sh)
if [ "${1:-}" = "--dnssec" ]; then exec "$(dirname "$0")/dns-dnssec.sh"; fi
THREADS=${THREADS:-2 1}; WARM=${WARM:-20}; PEAK=${PEAK:-15}; ROUNDS=${ROUNDS:-3}; STEADY=${STEADY:-10}
DNS_BENCH_NAME=dnsbench
source "$(dirname "${BASH_SOURCE[0]}")/dns-common.sh"
need gdnsd gdnsd

python3 "$HERE/dns/queries.py" "$RUN/queries.bin" 200000

# the 80% run: name port rate -> sets LOST80 P50 P99
steady() {
  local name=$1 port=$2 rate=$3
  dnsperf -s 127.0.0.1 -p "$port" -B -d "$RUN/queries.bin" -l "$STEADY" -c "$CLIENTS" -q "$OUTSTANDING" -Q "$rate" -v > "$RUN/$name.v" 2>&1 || true
  LOST80=$(awk '/Queries lost:/{print $3" "$4}' "$RUN/$name.v")
  read -r P50 P99 < <(awk '/^> /{print $NF}' "$RUN/$name.v" | sort -g | awk '{a[NR]=$1} END{printf "%.0f %.0f\n", a[int(NR*0.5)]*1e6, a[int(NR*0.99)]*1e6}')
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "dnsperf $(dnsperf -h 2>&1 | awk '/^Version/{print $2}'), gdnsd $(gdnsd -h 2>&1 | awk '/version/{print $3; exit}'), $(java -version 2>&1 | head -1)"
echo "workload: 60% www.cdn.test A + ECS (random public /24), 25% static, 15% NXDOMAIN; $CLIENTS clients, $OUTSTANDING outstanding"
echo "transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo n/a); ours via ./cdn, JVM options: ${JAVA_OPTS-${CDN_JAVA_OPTS-(cdn defaults)}}"

# one comparison with T threads for both servers
compare() {
  local T=$1
  echo "== threads $T"
  # gdnsd with its geoip plugin
  GPORT=$(free_port)
  rm -rf "$RUN/gdnsd"; mkdir -p "$RUN/gdnsd/zones"
  fill "$HERE/dns/gdnsd-config.in" "$GPORT" "$T" > "$RUN/gdnsd/config"
  cp "$HERE/dns/gdnsd-cdn.test.zone" "$RUN/gdnsd/zones/cdn.test"
  gdnsd -c "$RUN/gdnsd" start > "$RUN/gdnsd.log" 2>&1 &
  GPID=$!; PIDS+=("$GPID")
  wait_udp "$GPORT"

  # ours: no cluster, the three edges declared statically, RRL off (loopback is exempt anyway)
  OPORT=$(free_port)
  fill "$HERE/dns/dns.yaml.in" "$OPORT" "$T" > "$RUN/dns.yaml"
  # through ./cdn, as users run it (bench/dns-common.sh: JAVA_OPTS, when set, replaces its defaults)
  "$ROOT/cdn" dns --config "$RUN/dns.yaml" > "$RUN/ours.log" 2>&1 &
  OPID=$!; PIDS+=("$OPID")
  wait_udp "$OPORT"

  for port in "$GPORT" "$OPORT"; do
    dnsperf -s 127.0.0.1 -p "$port" -B -d "$RUN/queries.bin" -l "$WARM" -c "$CLIENTS" -q "$OUTSTANDING" >/dev/null 2>&1
  done

  GQ=(); GC=(); OQ=(); OC=(); RQ=(); RC=()
  for r in $(seq 1 "$ROUNDS"); do
    order="gdnsd ours"; [ $((r % 2)) -eq 0 ] && order="ours gdnsd"
    for who in $order; do
      if [ "$who" = gdnsd ]; then peak "$GPID" "$GPORT" "$RUN/queries.bin"; GQ+=("$QPS"); GC+=("$CPUQ"); gl=$LOST
      else peak "$OPID" "$OPORT" "$RUN/queries.bin"; OQ+=("$QPS"); OC+=("$CPUQ"); ol=$LOST; fi
    done
    i=$((r - 1))
    RQ+=("$(awk -v a="${OQ[$i]}" -v b="${GQ[$i]}" 'BEGIN{printf "%.2f", a/b}')")
    RC+=("$(awk -v a="${OC[$i]}" -v b="${GC[$i]}" 'BEGIN{printf "%.2f", a/b}')")
    printf 'round %d: gdnsd %7s q/s %6s us/query lost %-10s | ours %7s q/s %6s us/query lost %-10s | %sx, cpu %sx\n' \
      "$r" "${GQ[$i]}" "${GC[$i]}" "$gl" "${OQ[$i]}" "${OC[$i]}" "$ol" "${RQ[$i]}" "${RC[$i]}"
  done

  GMED=$(echo "${GQ[*]}" | median); OMED=$(echo "${OQ[*]}" | median)
  for who in gdnsd ours; do
    if [ "$who" = gdnsd ]; then port=$GPORT; med=$GMED; else port=$OPORT; med=$OMED; fi
    rate=$(awk -v q="$med" 'BEGIN{printf "%d", q * 0.8}')
    steady "$who" "$port" "$rate"
    printf '%-6s at 80%% of its median peak (%s q/s): lost %-12s p50 %5s us  p99 %6s us\n' "$who" "$rate" "$LOST80" "$P50" "$P99"
  done

  printf 'threads %d: ratio ours/gdnsd, median of %d rounds: throughput %sx (rounds %s; target >= 1.0), cpu per query %sx (rounds %s; target <= 1.5)\n' \
    "$T" "$ROUNDS" "$(echo "${RQ[*]}" | median)" "${RQ[*]}" "$(echo "${RC[*]}" | median)" "${RC[*]}"
  kill "$GPID" "$OPID" 2>/dev/null || true
  wait "$GPID" "$OPID" 2>/dev/null || true
}

for T in $THREADS; do compare "$T"; done
