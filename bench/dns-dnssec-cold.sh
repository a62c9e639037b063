#!/usr/bin/env bash
# Cold start of the DNS server through the product: how fast a freshly started server answers in
# its first seconds. Each run starts a server from nothing (`./cdn dns --config FILE`, as
# bench/dns-dnssec.sh starts it; PowerDNS as there), waits until it answers a SOA query (polled
# every 0.1 s: the time from exec to that answer is "ready"), then loads it at once with dnsperf and
# bench/dns.sh's mix (bench/dns/queries.py) for SECONDS s, queries/s printed per second:
#   signed    ours with a dnssec section (a CSK made at start), the mix with DO=1
#   unsigned  ours without, the mix without DO (the same JIT compilation, nothing signed)
#   pdns      PowerDNS with its GeoIP backend, signing online (as bench/dns-dnssec.sh), DO=1 mix
#   signed0   (with KINDS="signed0 ...") signed with the JVM options SIGNED0_OPTS, e.g. the
#             launcher's options without -Xmx1g: the server as it started before the heap cap
# One server at a time; ROUNDS rounds, the order alternating. Per run: ready time, queries/s over
# the first 10 s and over the rest, lost queries, server CPU per query over the first 10 s and, for
# ours, how that CPU splits between the JVM's threads (/proc/<pid>/task/*/stat): JIT compiler
# threads, GC threads, the threads answering queries, the rest. Then medians: signed first 10 s
# against signed after and against unsigned first 10 s. Loopback only.
#   bench/dns-dnssec-cold.sh   # defaults: ROUNDS=3 DURATION=40 THREADS=2 CLIENTS=16 KINDS="signed unsigned pdns"
THREADS=${THREADS:-2}; ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-40}
KINDS=${KINDS:-signed unsigned pdns}
DNS_BENCH_NAME=dnscold
source "$(dirname "${BASH_SOURCE[0]}")/dns-common.sh"
case " $KINDS " in *" pdns "*) need pdns_server "pdns-server pdns-backend-geoip" ;; esac
PID_=""
cleanup_extra() { [ -n "$PID_" ] && kill "$PID_" 2>/dev/null || true; }

python3 "$HERE/dns/queries.py" "$RUN/plain.bin" 200000
python3 "$HERE/dns/queries.py" --do "$RUN/do.bin" 200000
now() { date +%s.%N; }

# CPU ticks of a process's threads by kind: "jit gc serve other"
threads_cpu() {
  local pid=$1
  for t in /proc/"$pid"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(awk '{print $14+$15}' "$t/stat" 2>/dev/null || echo 0)"
  done | awk -F'\t' '
    $1 ~ /^C[12] CompilerThre/ {j+=$2; next}
    $1 ~ /^(GC Thread|G1 |VM Thread|VM Periodic)/ {g+=$2; next}
    $1 ~ /^(dns-udp|vert\.x-eventloop)/ {s+=$2; next}
    {o+=$2}
    END {printf "%d %d %d %d\n", j, g, s, o}'
}

# one run: kind -> prints a line, sets F10 (q/s first 10 s) and LATE (q/s after)
run() {
  local kind=$1 port file t0 t1 c0 c1 c2 out1 out2 hz ready
  hz=$(getconf CLK_TCK)
  port=$(free_port)
  case $kind in
    signed|signed0)
      rm -rf "$RUN/keys"
      { fill "$HERE/dns/dns.yaml.in" "$port"; echo "dnssec: {keyDirectory: $RUN/keys}"; } > "$RUN/cold.yaml"
      file="$RUN/do.bin" ;;
    unsigned)
      fill "$HERE/dns/dns.yaml.in" "$port" > "$RUN/cold.yaml"
      file="$RUN/plain.bin" ;;
    pdns)
      rm -rf "$RUN/pdns"; mkdir -p "$RUN/pdns/keys"
      fill "$HERE/dns/pdns.conf.in" "$port" > "$RUN/pdns/pdns.conf"
      cp "$HERE/dns/pdns-zones.yaml.in" "$RUN/pdns/zones.yaml"
      pdnsutil --config-dir="$RUN/pdns" secure-zone cdn.test > "$RUN/pdnsutil.log" 2>&1
      file="$RUN/do.bin" ;;
  esac
  t0=$(now)
  if [ "$kind" = pdns ]; then
    pdns_server --config-dir="$RUN/pdns" > "$RUN/server.log" 2>&1 &
  elif [ "$kind" = signed0 ]; then
    CDN_JAVA_OPTS="${SIGNED0_OPTS:?signed0 needs SIGNED0_OPTS}" "$ROOT/cdn" dns --config "$RUN/cold.yaml" > "$RUN/server.log" 2>&1 &
  else
    "$ROOT/cdn" dns --config "$RUN/cold.yaml" > "$RUN/server.log" 2>&1 &
  fi
  PID_=$!
  ready=""
  for _ in $(seq 1 1200); do
    if dig +time=1 +tries=1 +short @127.0.0.1 -p "$port" cdn.test SOA 2>/dev/null | grep -q '^ns1\.cdn\.test\. '; then ready=1; break; fi
    kill -0 "$PID_" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$ready" ] || { echo "bench: $kind did not start:" >&2; tail -20 "$RUN/server.log" >&2; exit 1; }
  t1=$(now)
  c0=$(threads_cpu "$PID_")
  out1=$(dnsperf -s 127.0.0.1 -p "$port" -B -d "$file" -l 10 -c "$CLIENTS" -q "$OUTSTANDING" -S 1 2>&1)
  c1=$(threads_cpu "$PID_")
  out2=$(dnsperf -s 127.0.0.1 -p "$port" -B -d "$file" -l $((DURATION - 10)) -c "$CLIENTS" -q "$OUTSTANDING" -S 1 2>&1)
  c2=$(threads_cpu "$PID_")
  kill "$PID_" 2>/dev/null || true; wait "$PID_" 2>/dev/null || true; PID_=""
  F10=$(awk '/Queries per second:/{printf "%d", $4}' <<<"$out1")
  LATE=$(awk '/Queries per second:/{printf "%d", $4}' <<<"$out2")
  local done1 lost1 lost2 series split
  done1=$(awk '/Queries completed:/{print $3}' <<<"$out1")
  lost1=$(awk '/Queries lost:/{print $3}' <<<"$out1"); lost2=$(awk '/Queries lost:/{print $3}' <<<"$out2")
  series=$(printf '%s\n%s\n' "$out1" "$out2" | awk '/^[0-9]+\.[0-9]+: [0-9.]+$/{printf "%d ", $2/1000}')
  split=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$done1" 'BEGIN{
    split(a, x, " "); split(b, y, " "); t=0; for (i=1;i<=4;i++) {d[i]=y[i]-x[i]; t+=d[i]}
    if (t == 0) t = 1
    printf "%.1f us/q (jit %d%%, gc %d%%, answering %d%%, other %d%%)", t/hz*1e6/n, 100*d[1]/t, 100*d[2]/t, 100*d[3]/t, 100*d[4]/t}')
  if [ "$kind" = pdns ]; then split="${split%% (*}"; fi
  printf '%-8s ready %5.1f s | first 10 s %6d q/s, %s, lost %s | next %d s %6d q/s, lost %s | load %s\n' \
    "$kind" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$F10" "$split" "$lost1" $((DURATION - 10)) "$LATE" "$lost2" \
    "$(cut -d' ' -f1 /proc/loadavg)"
  printf '         k q/s per second: %s\n' "$series"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "workload: bench/dns.sh's mix, $CLIENTS clients, $OUTSTANDING outstanding; threads $THREADS; ${DURATION} s per run from the first answer"
declare -A FIRST LATER
for r in $(seq 1 "$ROUNDS"); do
  order=$KINDS
  if [ $((r % 2)) = 0 ]; then order=$(tr ' ' '\n' <<<"$KINDS" | tac | tr '\n' ' '); fi
  echo "round $r"
  for kind in $order; do
    run "$kind"
    FIRST[$kind]="${FIRST[$kind]:-} $F10"; LATER[$kind]="${LATER[$kind]:-} $LATE"
  done
done
for kind in $KINDS; do
  printf 'median %-8s first 10 s %6s q/s (rounds%s), after %6s q/s (rounds%s)\n' "$kind" \
    "$(echo "${FIRST[$kind]}" | median)" "${FIRST[$kind]}" "$(echo "${LATER[$kind]}" | median)" "${LATER[$kind]}"
done
if [ -n "${FIRST[signed]:-}" ]; then
  s=$(echo "${FIRST[signed]}" | median)
  printf 'signed first 10 s / signed after: %s' "$(awk -v a="$s" -v b="$(echo "${LATER[signed]}" | median)" 'BEGIN{printf "%.2fx", a/b}')"
  [ -n "${FIRST[unsigned]:-}" ] && printf ', / unsigned first 10 s: %s' "$(awk -v a="$s" -v b="$(echo "${FIRST[unsigned]}" | median)" 'BEGIN{printf "%.2fx", a/b}')"
  [ -n "${FIRST[pdns]:-}" ] && printf ', / pdns first 10 s: %s' "$(awk -v a="$s" -v b="$(echo "${FIRST[pdns]}" | median)" 'BEGIN{printf "%.2fx", a/b}')"
  [ -n "${FIRST[signed0]:-}" ] && printf ', / signed0 first 10 s: %s' "$(awk -v a="$s" -v b="$(echo "${FIRST[signed0]}" | median)" 'BEGIN{printf "%.2fx", a/b}')"
  echo
fi
