# Shared set-up of the DNS benchmarks (sourced, not run): dns.sh, dns-dnssec.sh, dns-dnssec-cold.sh.
# Set DNS_BENCH_NAME before sourcing (the run dir: /tmp/$DNS_BENCH_NAME.XXXXXX). Sourcing it:
#   - installs dnsperf with apt-get when missing (`need CMD "PACKAGES"` for the rest), checks for
#     python3 and builds launcher/target/cdn.jar when missing;
#   - makes the run dir $RUN and on exit kills exactly the PIDs in $PIDS, calls `cleanup_extra`
#     when the script defines it, and removes $RUN;
#   - unzips the GeoLite2 City database our server embeds into $RUN ($MMDB) and copies the zone.
# Then the script uses the helpers below: free loopback ports, the config templates of bench/dns/
# filled in, CPU time from /proc, waiting for a server's answer, peak runs of dnsperf, medians.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="$ROOT/launcher/target/cdn.jar"
CLIENTS=${CLIENTS:-16}; OUTSTANDING=${OUTSTANDING:-200}

# shellcheck disable=SC2086 # $2 may name several packages
need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $2 >/dev/null; }; }
need dnsperf dnsperf
command -v python3 >/dev/null || { echo "bench: python3 is needed to write the query files" >&2; exit 2; }
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B package -DskipTests)

RUN="$(mktemp -d "/tmp/${DNS_BENCH_NAME:-dnsbench}.XXXXXX")"
PIDS=()
cleanup() {
  if declare -F cleanup_extra >/dev/null; then cleanup_extra || true; fi
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap cleanup EXIT

# The GeoLite2 City database of the geolite2-databases jar (the one our server embeds).
DBJAR="$(ls "$ROOT"/launcher/target/lib/geolite2-databases-*.jar 2>/dev/null | head -1 || true)"
[ -n "$DBJAR" ] || DBJAR="$(ls ~/.m2/repository/org/elasticsearch/geolite2-databases/*/geolite2-databases-*.jar | head -1)"
unzip -o -q -j "$DBJAR" '*GeoLite2-City.mmdb' -d "$RUN"
MMDB="$RUN/GeoLite2-City.mmdb"
cp "$HERE/dns/cdn.test.zone" "$RUN/cdn.test.zone"
# through ./cdn, as users run it (its default JVM options; JAVA_OPTS, when set, replaces them)
if [ -n "${JAVA_OPTS+set}" ]; then export CDN_JAVA_OPTS="$JAVA_OPTS"; fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# fill TEMPLATE PORT [THREADS] -> the template with @PORT@ @RUN@ @MMDB@ @THREADS@ filled in
fill() { sed -e "s|@PORT@|$2|g; s|@RUN@|$RUN|g; s|@MMDB@|$MMDB|g; s|@THREADS@|${3:-$THREADS}|g" "$1"; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
wait_udp() { for _ in $(seq 1 150); do dig +time=1 +tries=1 +short @127.0.0.1 -p "$1" cdn.test SOA >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "bench: nothing answers on $1" >&2; return 1; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# one peak run of PEAK s: pid port queryfile -> sets QPS LOST CPUQ (server CPU per query, us)
peak() {
  local pid=$1 port=$2 file=$3 out hz t0 t1 done
  hz=$(getconf CLK_TCK)
  t0=$(cpu_ticks "$pid")
  out=$(dnsperf -s 127.0.0.1 -p "$port" -B -d "$file" -l "$PEAK" -c "$CLIENTS" -q "$OUTSTANDING" 2>&1)
  t1=$(cpu_ticks "$pid")
  done=$(awk '/Queries completed:/{print $3}' <<<"$out")
  QPS=$(awk '/Queries per second:/{printf "%d", $4}' <<<"$out")
  LOST=$(awk '/Queries lost:/{print $3" "$4}' <<<"$out")
  CPUQ=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="$done" 'BEGIN{printf "%.2f", t / hz * 1e6 / n}')
}
