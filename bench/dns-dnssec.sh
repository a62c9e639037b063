#!/usr/bin/env bash
# DNSSEC mode of bench/dns.sh (bench/dns.sh --dnssec runs this): online signing compared on one
# machine, the same zone, GeoLite2 City file, three edges and dnsperf mix as bench/dns.sh
# (bench/dns/queries.py: 60% www.cdn.test A with ECS from random public /24s, 25% static names,
# 15% NXDOMAIN names), three servers side by side on their own ports, one loaded at a time:
#   unsigned  ours without a dnssec section, the mix without DO (bench/dns.sh's load)
#   signed    ours with 'dnssec: {keyDirectory: ...}' (one ECDSA P-256 CSK), the same mix with DO=1
#   pdns      PowerDNS Authoritative with its GeoIP backend and online signing (pdnsutil
#             secure-zone: an ECDSA P-256 CSK, NSEC3 narrow), the same DO=1 mix
# After a warm-up (WARM s each; its first 10 s printed apart: the first load a server gets),
# ROUNDS rounds in which the three take turns at full speed (PEAK s
# each, the order rotating): queries/s, lost, server CPU per query (/proc/<pid>/stat). Ratios
# per round and their medians: signed/unsigned (target >= 0.8) and signed/pdns (target >= 1.0).
# Before measuring, each signed server's answers are checked: an RRSIG for the geo name, a
# signed denial for an NXDOMAIN name. Needs root for apt-get when dnsperf or PowerDNS are missing.
# Loopback only. The NXDOMAIN names of the mix (about 30,000 of a million) come back every
# 200,000 queries, so after the warm-up their denials are cached by both signers; a flood of
# never-seen names costs one signature per query (the warm-up's rate shows some of that cost).
#   bench/dns.sh --dnssec     # defaults: THREADS=2 WARM=30 PEAK=15 ROUNDS=3 CLIENTS=16 (about 4 minutes)
THREADS=${THREADS:-2}; WARM=${WARM:-30}; PEAK=${PEAK:-15}; ROUNDS=${ROUNDS:-3}
DNS_BENCH_NAME=dnssecbench
source "$(dirname "${BASH_SOURCE[0]}")/dns-common.sh"
need pdns_server "pdns-server pdns-backend-geoip"
[ -e /usr/lib/x86_64-linux-gnu/pdns/libgeoipbackend.so ] || ls /usr/lib/*/pdns/libgeoipbackend.so >/dev/null 2>&1 \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pdns-backend-geoip >/dev/null; }

python3 "$HERE/dns/queries.py" "$RUN/plain.bin" 200000
python3 "$HERE/dns/queries.py" --do "$RUN/do.bin" 200000

# an answer must carry signatures: port -> exit status
signed_ok() {
  local port=$1
  dig +dnssec +norec +time=2 @127.0.0.1 -p "$port" www.cdn.test A +subnet=81.2.69.0/24 | grep -q 'RRSIG' \
    && dig +dnssec +norec +time=2 @127.0.0.1 -p "$port" nx1.cdn.test A | grep -Eq 'NSEC3? '
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "dnsperf $(dnsperf -h 2>&1 | awk '/^Version/{print $2}'), $(pdns_server --version 2>&1 | grep -o 'PowerDNS Authoritative Server [0-9.]*' | head -1), $(java -version 2>&1 | head -1)"
echo "workload: 60% www.cdn.test A + ECS (random public /24), 25% static, 15% NXDOMAIN; $CLIENTS clients, $OUTSTANDING outstanding; threads $THREADS"

T=$THREADS
UPORT=$(free_port)
fill "$HERE/dns/dns.yaml.in" "$UPORT" "$T" > "$RUN/unsigned.yaml"
SPORT=$(free_port)
{ fill "$HERE/dns/dns.yaml.in" "$SPORT" "$T"; echo "dnssec: {keyDirectory: $RUN/keys}"; } > "$RUN/signed.yaml"
"$ROOT/cdn" dns --config "$RUN/unsigned.yaml" > "$RUN/unsigned.log" 2>&1 &
UPID=$!; PIDS+=("$UPID")
"$ROOT/cdn" dns --config "$RUN/signed.yaml" > "$RUN/signed.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")

PPORT=$(free_port)
mkdir -p "$RUN/pdns/keys"
fill "$HERE/dns/pdns.conf.in" "$PPORT" "$T" > "$RUN/pdns/pdns.conf"
cp "$HERE/dns/pdns-zones.yaml.in" "$RUN/pdns/zones.yaml"
pdnsutil --config-dir="$RUN/pdns" secure-zone cdn.test > "$RUN/pdnsutil.log" 2>&1
pdns_server --config-dir="$RUN/pdns" > "$RUN/pdns.log" 2>&1 &
PPID_=$!; PIDS+=("$PPID_")
for x in "unsigned $UPORT" "signed $SPORT" "pdns $PPORT"; do
  set -- $x
  wait_udp "$2" || { echo "bench: $1 did not start:" >&2; tail -20 "$RUN/$1.log" >&2; exit 1; }
done
signed_ok "$SPORT" || { echo "bench: our signed server's answers carry no signatures" >&2; exit 1; }
signed_ok "$PPORT" || { echo "bench: PowerDNS's answers carry no signatures" >&2; tail "$RUN/pdns.log" >&2; exit 1; }
if dig +dnssec +norec @127.0.0.1 -p "$UPORT" www.cdn.test A +subnet=81.2.69.0/24 | grep -q RRSIG; then
  echo "bench: the unsigned server signs" >&2; exit 1
fi

for x in "unsigned $UPORT plain" "signed $SPORT do" "pdns $PPORT do"; do
  set -- $x
  start=$(date +%s.%N)
  dnsperf -s 127.0.0.1 -p "$2" -B -d "$RUN/$3.bin" -l "$WARM" -c "$CLIENTS" -q "$OUTSTANDING" -S 1 > "$RUN/warm-$1.txt" 2>&1
  printf 'warm-up %-8s %s q/s over %s s (first 10 s: %s q/s; lost %s)\n' "$1" "$(awk '/Queries per second:/{printf "%d", $4}' "$RUN/warm-$1.txt")" "$WARM" \
    "$(awk '/^[0-9]+\.[0-9]+: [0-9.]+$/ && n < 10 {s += $2; n++} END{printf "%d", n ? s / n : 0}' "$RUN/warm-$1.txt")" \
    "$(awk '/Queries lost:/{print $3}' "$RUN/warm-$1.txt")"
done

UQ=(); UC=(); SQ=(); SC=(); PQ=(); PC=(); RU=(); RP=(); RCU=(); RCP=()
for r in $(seq 1 "$ROUNDS"); do
  case $((r % 3)) in
    1) order="unsigned signed pdns" ;;
    2) order="signed pdns unsigned" ;;
    0) order="pdns unsigned signed" ;;
  esac
  for who in $order; do
    case $who in
      unsigned) peak "$UPID" "$UPORT" "$RUN/plain.bin"; UQ+=("$QPS"); UC+=("$CPUQ"); ul=$LOST ;;
      signed) peak "$SPID" "$SPORT" "$RUN/do.bin"; SQ+=("$QPS"); SC+=("$CPUQ"); sl=$LOST ;;
      pdns) peak "$PPID_" "$PPORT" "$RUN/do.bin"; PQ+=("$QPS"); PC+=("$CPUQ"); pl=$LOST ;;
    esac
  done
  i=$((r - 1))
  RU+=("$(awk -v a="${SQ[$i]}" -v b="${UQ[$i]}" 'BEGIN{printf "%.2f", a/b}')")
  RP+=("$(awk -v a="${SQ[$i]}" -v b="${PQ[$i]}" 'BEGIN{printf "%.2f", a/b}')")
  RCU+=("$(awk -v a="${SC[$i]}" -v b="${UC[$i]}" 'BEGIN{printf "%.2f", a/b}')")
  RCP+=("$(awk -v a="${SC[$i]}" -v b="${PC[$i]}" 'BEGIN{printf "%.2f", a/b}')")
  printf 'round %d: unsigned %7s q/s %6s us/q lost %-10s | signed %7s q/s %6s us/q lost %-10s | pdns %7s q/s %6s us/q lost %-10s\n' \
    "$r" "${UQ[$i]}" "${UC[$i]}" "$ul" "${SQ[$i]}" "${SC[$i]}" "$sl" "${PQ[$i]}" "${PC[$i]}" "$pl"
  printf '         signed/unsigned %sx (cpu %sx), signed/pdns %sx (cpu %sx); load %s\n' "${RU[$i]}" "${RCU[$i]}" "${RP[$i]}" "${RCP[$i]}" \
    "$(cut -d' ' -f1 /proc/loadavg)"
done
printf 'median of %d rounds: signed/unsigned %sx (rounds %s; target >= 0.8), signed/pdns %sx (rounds %s; target >= 1.0)\n' \
  "$ROUNDS" "$(echo "${RU[*]}" | median)" "${RU[*]}" "$(echo "${RP[*]}" | median)" "${RP[*]}"
printf 'cpu per query: signed/unsigned %sx (rounds %s), signed/pdns %sx (rounds %s)\n' \
  "$(echo "${RCU[*]}" | median)" "${RCU[*]}" "$(echo "${RCP[*]}" | median)" "${RCP[*]}"
