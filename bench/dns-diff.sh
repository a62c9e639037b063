#!/usr/bin/env bash
# Differential check against Knot DNS: knotd and our server (java -jar launcher/target/cdn.jar dns)
# serve the same static zone (dns-server/src/test/resources/wild.test.zone: wildcards, empty
# non-terminals, CNAME chains, a delegation with glue, SOA TTL < MINIMUM) on free loopback ports;
# a battery of queries goes to both with dig and the rcode, the aa/tc flags and the answer,
# authority and additional sections (sorted, OPT and TTL-free comparison of the rest) must match.
# Prints one line per query (same/DIFF) and exits 1 when any differs. Installs knot with apt-get
# when missing.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="$ROOT/launcher/target/cdn.jar"
ZONE="$ROOT/dns-server/src/test/resources/wild.test.zone"
command -v knotd >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq knot dnsutils >/dev/null; }
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -q -B install -DskipTests)

RUN="$(mktemp -d /tmp/dnsdiff.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$RUN"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_udp() { for _ in $(seq 1 150); do dig +time=1 +tries=1 +short @127.0.0.1 -p "$1" wild.test SOA >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "dns-diff: nothing answers on $1" >&2; return 1; }

KPORT=$(free_port); OPORT=$(free_port)
cp "$ZONE" "$RUN/wild.test.zone"
mkdir -p "$RUN/knot"
cat > "$RUN/knot.conf" <<CONF
server:
    listen: 127.0.0.1@$KPORT
    rundir: $RUN/knot
database:
    storage: $RUN/knot
template:
  - id: default
    storage: $RUN
    semantic-checks: off
zone:
  - domain: wild.test
    file: wild.test.zone
CONF
knotd -c "$RUN/knot.conf" > "$RUN/knot.log" 2>&1 &
PIDS+=("$!")
cat > "$RUN/dns.yaml" <<CONF
listen: 127.0.0.1:$OPORT
zones: [{origin: wild.test., file: $RUN/wild.test.zone}]
rrl: {enabled: false}
CONF
java -jar "$JAR" dns --config "$RUN/dns.yaml" > "$RUN/ours.log" 2>&1 &
PIDS+=("$!")
wait_udp "$KPORT"; wait_udp "$OPORT"

# rcode, aa, tc, then each section's records sorted, TTLs kept (both must apply the same TTLs)
norm() {
  dig +norec +noall +comments +answer +authority +additional +nocookie @127.0.0.1 -p "$1" "$2" "$3" "${@:4}" \
    | awk '/->>HEADER<<-/{for(i=1;i<=NF;i++) if($i=="status:") {st=$(i+1)}}
           /^;; flags:/{aa = ($0 ~ / aa[ ;]/) ? "aa" : "-"; tc = ($0 ~ / tc[ ;]/) ? "tc" : "-"}
           /^;; [A-Z]+ SECTION:/{sec=$2}
           !/^;/ && NF {gsub(/[ \t]+/, " "); print sec, $0}
           END{print "~ status", st, aa, tc}' | sort
}

fail=0
while read -r name type opts; do
  [ -z "$name" ] && continue
  a=$(norm "$KPORT" "$name" "$type" $opts); b=$(norm "$OPORT" "$name" "$type" $opts)
  if [ "$a" == "$b" ]; then
    echo "same  $name $type $opts"
  else
    echo "DIFF  $name $type $opts"; { diff <(echo "$a") <(echo "$b") || true; } | sed 's/^/      /; s/< /knot: /; s/> /ours: /'; fail=1
  fi
done <<'Q'
wild.test. SOA
wild.test. NS
wild.test. MX
ns1.wild.test. A
NS1.WILD.TEST. A
x.wild.test. A
y.x.wild.test. AAAA
MiXeD.Wild.TEST. A
x.wild.test. TXT
sub.wild.test. A
x.sub.wild.test. A
b.wild.test. A
x.b.wild.test. A
q.c.wild.test. A
q.c.wild.test. MX
foo.cn.wild.test. A
c1.wild.test. A
c1.wild.test. CNAME
dangling.wild.test. A
host.deleg.wild.test. A
deleg.wild.test. NS
deleg.wild.test. DS
ns.deleg.wild.test. A
example.org. A
wild.test. A +edns=0
x.wild.test. A +subnet=81.2.69.0/24
Q
exit $fail
