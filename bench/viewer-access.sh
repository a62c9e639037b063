#!/usr/bin/env bash
# Cost of the per-behavior viewer checks of issue 19 on the hit path, in one edge serving one
# distributions.yaml: hits of a behavior with neither viewerProtocol nor trustedKeyGroups ("open"),
# hits under viewerProtocol: allow-all plus a signature (a canned URL signed here with openssl,
# RSA-2048/SHA-1, "signed"), in interleaved rounds with the same wrk load; medians.
# With BEFORE_JAR=path/to/other/cdn.jar (e.g. a build of main) the open hits are also measured on
# that build's edge with the same document minus keyGroups/trustedKeyGroups, side by side.
#   bench/viewer-access.sh                 # DURATION=5 s per run, ROUNDS=3, CONNECTIONS=32
# Needs: wrk, openssl, curl, python3, launcher/target/cdn.jar (built when missing).
source "$(dirname "$0")/edge-common.sh"
need wrk wrk
need openssl openssl
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}

origin_port=$(free_port)
"$java_bin" -Xmx256m -jar "$jar" origin --listen "127.0.0.1:$origin_port" >"$work/origin.log" 2>&1 &
pids+=($!)

openssl genrsa -out "$work/key.pem" 2048 2>/dev/null
openssl rsa -in "$work/key.pem" -pubout -out "$work/pub.pem" 2>/dev/null

start_edge() { # jar name signed(yes|no) -> sets port_<name>, pid_<name>
  local j=$1 name=$2 signed=$3 port
  port=$(free_port)
  cat >"$work/edge-$name.yaml" <<YAML
id: bench-$name
latitude: 50.11
longitude: 8.68
listen: 127.0.0.1:$port
adminToken: $token
cache:
  memoryBytes: 67108864
accessLog: {enabled: false}
distributions:
  - host: "*"
    origin: http://127.0.0.1:$origin_port
YAML
  {
    echo "distributions:"
    echo "  - id: bench"
    echo "    hosts: [\"*\"]"
    echo "    origins: [{id: o, url: \"http://127.0.0.1:$origin_port\"}]"
    echo "    behaviors:"
    if [ "$signed" = yes ]; then
      echo "      - {path: \"/gen/signed/*\", target: o, cachePolicy: UseOriginCacheControlHeaders-QueryStrings, trustedKeyGroups: [kg1]}"
    fi
    echo "      - {path: \"*\", target: o, cachePolicy: UseOriginCacheControlHeaders-QueryStrings}"
    if [ "$signed" = yes ]; then
      echo "keyGroups:"
      echo "  - id: kg1"
      echo "    keys:"
      echo "      - id: KBENCH"
      echo "        publicKey: |"
      sed 's/^/          /' "$work/pub.pem"
    fi
  } >"$work/dist-$name.yaml"
  "$java_bin" -Xmx512m -jar "$j" edge --config "$work/edge-$name.yaml" \
    --distributions "$work/dist-$name.yaml" >"$work/edge-$name.log" 2>&1 &
  pids+=($!)
  printf -v "port_$name" %s "$port"
  printf -v "pid_$name" %s "$!"
  wait_http "http://127.0.0.1:$port/_cdn/health" 90
}

wait_http "http://127.0.0.1:$origin_port/gen/ping" 60
start_edge "$jar" ours yes
if [ -n "${BEFORE_JAR:-}" ]; then
  mkdir -p "$work/before" && cp "$BEFORE_JAR" "$work/before/" && cp -r "$(dirname "$BEFORE_JAR")/lib" "$work/before/lib"
  start_edge "$work/before/$(basename "$BEFORE_JAR")" before no
fi

open="/gen/open/1k.bin?size=1024&cc=max-age%3D3600"
q="size=1024&cc=max-age%3D3600"
expires=$(( $(date +%s) + 86400 ))
policy="{\"Statement\":[{\"Resource\":\"http://127.0.0.1:$port_ours/gen/signed/1k.bin?$q\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":$expires}}}]}"
sig=$(printf '%s' "$policy" | openssl dgst -sha1 -sign "$work/key.pem" | base64 -w0 | tr '+=/' '-_~')
signed="/gen/signed/1k.bin?$q&Expires=$expires&Signature=$sig&Key-Pair-Id=KBENCH"

check_hit() { # port path
  curl -s -o /dev/null "http://127.0.0.1:$1$2"
  local s
  s=$(curl -s -o /dev/null -D - "http://127.0.0.1:$1$2" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache"{print $2}')
  case "$s" in Hit*) ;; *) echo "warm-up: $1$2 is not a hit (X-Cache: $s)" >&2; exit 1;; esac
}
check_hit "$port_ours" "$open"
check_hit "$port_ours" "$signed"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_ours/gen/signed/1k.bin?$q")" = 403 ] \
  || { echo "unsigned request not refused" >&2; exit 1; }
[ -n "${BEFORE_JAR:-}" ] && check_hit "$port_before" "$open"

cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
run() { # label port path pid
  local b a
  b=$(cpu_ticks "$4")
  wrk -t"$threads" -c"$connections" -d"${duration}s" "http://127.0.0.1:$2$3" >"$work/wrk.out" 2>&1
  a=$(cpu_ticks "$4")
  python3 - "$1" "$work/wrk.out" "$((a - b))" "$hz" <<'PY' | tee -a "$work/results"
import re, sys
t = open(sys.argv[2]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
n = int(re.search(r"(\d+) requests in", t).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(sys.argv[1], f"{rps:.0f}", f"{int(sys.argv[3]) / int(sys.argv[4]) * 1e6 / max(1, n):.1f}", bad.group(1) if bad else 0)
PY
}

echo "viewer checks on the hit path: wrk -t$threads -c$connections -d${duration}s, $rounds rounds, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%F)"
for p in "$open" "$signed"; do wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$port_ours$p" >/dev/null 2>&1; done
[ -n "${BEFORE_JAR:-}" ] && wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$port_before$open" >/dev/null 2>&1
: >"$work/results"
for r in $(seq 1 "$rounds"); do
  run open "$port_ours" "$open" "$pid_ours" >/dev/null
  run signed "$port_ours" "$signed" "$pid_ours" >/dev/null
  [ -n "${BEFORE_JAR:-}" ] && run before-open "$port_before" "$open" "$pid_before" >/dev/null
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, rps, cpu, bad = line.split()
    rows.setdefault(label, []).append((float(rps), float(cpu), int(bad)))
print(f"{'hits':12s} {'median req/s':>12s} {'median cpu_us/req':>18s} {'non-2xx':>8s}  (all req/s)")
for k, v in rows.items():
    print(f"{k:12s} {statistics.median(x[0] for x in v):12.0f} {statistics.median(x[1] for x in v):18.1f} {sum(x[2] for x in v):8d}  {[int(x[0]) for x in v]}")
m = {k: statistics.median(x[0] for x in v) for k, v in rows.items()}
c = {k: statistics.median(x[1] for x in v) for k, v in rows.items()}
print(f"signed/open req/s {m['signed']/m['open']:.2f}x, cpu/req {c['signed']/c['open']:.2f}x")
if "before-open" in m:
    print(f"open ours/before req/s {m['open']/m['before-open']:.2f}x, cpu/req {c['open']/c['before-open']:.2f}x")
PY
