#!/usr/bin/env bash
# Compression benchmark (issue 19): a 100 KB HTML page, clients sending `Accept-Encoding: br, gzip`
# (wrk), served as a cache hit by our edge (behavior `compress: true`: compressed once at fill
# time, Brotli served from the cache) and by nginx from disk with `gzip on` (compresses every
# response) and with `gzip_static on` (sends a page.html.gz made beforehand with gzip -9), same
# machine, same run, same load. Prints req/s, latency, bytes on the wire per response (headers
# included: wrk's bytes read / requests), the server CPU per request (utime + stime from
# /proc/<pid>/stat around each run) and the ratios ours/nginx; ROUNDS interleaved rounds, medians.
#
#   bench/compress.sh                          # DURATION=10 s, CONNECTIONS=64, THREADS=2, ROUNDS=3,
#                                              # WARM=10 s of the same load on each server first
#   GZIP_LEVEL=6 bench/compress.sh             # nginx gzip_comp_level (nginx's default: 1)
#
# Needs launcher/target/cdn.jar (built when missing), nginx, wrk, curl, python3 (installed with
# apt-get when missing). Free loopback ports; kills exactly the processes it started.
source "$(dirname "${BASH_SOURCE[0]}")/edge-common.sh"
need nginx nginx
need wrk wrk
need gzip gzip
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
rounds=${ROUNDS:-3}
warm=${WARM:-10}
level=${GZIP_LEVEL:-1}
ae="br, gzip"

# a 100 KB page of varied text (seeded), so it compresses like real HTML (about 4-6x), not a constant
mkdir -p "$work/site"
python3 - "$work/site/page.html" <<'PY'
import random, sys
random.seed(19)
words = ("the edge cache origin request response header content delivery network client server "
         "brotli gzip compress page image script style table list item product price order cart "
         "search account login about contact news blog article comment share follow menu footer "
         "title section summary detail review rating shipping return policy privacy terms help").split()
out = ['<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Bench page</title>\n'
       '<link rel="stylesheet" href="/static/site.css"></head>\n<body>\n<nav class="menu">']
i = 0
while sum(len(s) for s in out) < 102400:
    i += 1
    cls = random.choice(["card", "card featured", "card sale", "row", "row alt"])
    text = " ".join(random.choice(words) for _ in range(random.randint(8, 30)))
    out.append(f'<div class="{cls}" id="item-{i}" data-sku="{random.randint(10000, 99999)}">'
               f'<a href="/products/{random.randint(1, 5000)}">{text.capitalize()}</a> '
               f'<span class="price">${random.randint(1, 999)}.{random.randint(0, 99):02d}</span></div>\n')
page = "".join(out)[:102400 - 15] + "</body></html>\n"
open(sys.argv[1], "w").write(page)
PY
cp "$work/site/page.html" "$work/site/static.html"
gzip -9 -k -n "$work/site/static.html"
chmod -R a+rX "$work"

origin_port=$(free_port); edge_port=$(free_port); gzip_port=$(free_port); static_port=$(free_port)
"$java_bin" -Xmx512m -jar "$jar" origin --listen "127.0.0.1:$origin_port" --root "$work/site" \
  >"$work/origin.log" 2>&1 &
pids+=($!)
cat >"$work/distributions.yaml" <<YAML
distributions:
  - id: bench
    hosts: ["*"]
    origins:
      - {id: site, url: "http://127.0.0.1:$origin_port"}
    behaviors:
      - {path: "*", target: site, cachePolicy: CachingOptimized, compress: true}
YAML
CDN_ADMIN_TOKEN=$token "$java_bin" -jar "$jar" edge --access-log off --listen "127.0.0.1:$edge_port" \
  --origin "http://127.0.0.1:$origin_port" --distributions "$work/distributions.yaml" \
  >"$work/edge.log" 2>&1 &
edge_pid=$!
pids+=($edge_pid)

cat >"$work/nginx.conf" <<EOF
worker_processes auto;
daemon off;
user root;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/html;
  server {
    listen 127.0.0.1:$gzip_port;
    root $work/site;
    gzip on;
    gzip_comp_level $level;
    gzip_min_length 1000;
    gzip_types text/html;
  }
  server {
    listen 127.0.0.1:$static_port;
    root $work/site;
    gzip_static on;
    location = /page.html { try_files /static.html =404; }
  }
}
EOF
nginx -c "$work/nginx.conf" >"$work/nginx.out" 2>&1 &
pids+=($!)

wait_http "http://127.0.0.1:$origin_port/page.html" 60
wait_http "http://127.0.0.1:$edge_port/_cdn/health" 60
wait_http "http://127.0.0.1:$gzip_port/page.html" 30
wait_http "http://127.0.0.1:$static_port/page.html" 30
nginx_master=$(cat "$work/nginx.pid")
nginx_pids="$nginx_master $(ps -o pid= --ppid "$nginx_master" | tr '\n' ' ')"

# what each server sends: encoding and size, and a check that every body decodes to the page
for s in "edge:$edge_port" "nginx-gzip:$gzip_port" "nginx-static:$static_port"; do
  port=${s#*:}
  curl -s -o /dev/null -H "Accept-Encoding: $ae" "http://127.0.0.1:$port/page.html"
  curl -s -D "$work/h" -o "$work/b" -H "Accept-Encoding: $ae" "http://127.0.0.1:$port/page.html"
  enc=$(tr -d '\r' <"$work/h" | awk -F': ' 'tolower($1)=="content-encoding"{print $2}')
  cache=$(tr -d '\r' <"$work/h" | awk -F': ' 'tolower($1)=="x-cache"{print $2}')
  python3 - "$work/b" "$enc" "$work/site/page.html" <<'PY' || { echo "${s%%:*}: body does not decode to the page" >&2; exit 1; }
import gzip, subprocess, sys
body, enc, page = open(sys.argv[1], "rb").read(), sys.argv[2], open(sys.argv[3], "rb").read()
if enc == "gzip":
    body = gzip.decompress(body)
elif enc == "br":
    try:
        import brotli
        body = brotli.decompress(body)
    except ImportError:
        sys.exit(0)  # no Python brotli here: the edge tests check br bodies
sys.exit(0 if body == page else 1)
PY
  echo "${s%%:*}: Content-Encoding ${enc:-identity}, body $(stat -c %s "$work/b") bytes${cache:+, X-Cache $cache} (page $(stat -c %s "$work/site/page.html"))"
done
[ "$(curl -s -o /dev/null -D - -H "Accept-Encoding: $ae" "http://127.0.0.1:$edge_port/page.html" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache"{print $2}' | cut -c1-3)" = Hit ] \
  || { echo "the edge does not answer the page from its cache" >&2; exit 1; }

cpu_ticks() {
  local sum=0 p t
  for p in "$@"; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    sum=$((sum + t))
  done
  echo "$sum"
}
hz=$(getconf CLK_TCK)

run() { # port pids... -> "rps p50_ms p99_ms bytes_per_response cpu_us_per_request non2xx"
  local port=$1 before after
  shift
  before=$(cpu_ticks "$@")
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "Accept-Encoding: $ae" \
    "http://127.0.0.1:$port/page.html" >"$work/wrk.out" 2>&1
  after=$(cpu_ticks "$@")
  python3 - "$work/wrk.out" "$((after - before))" "$hz" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
if "Requests/sec" not in t:
    sys.stderr.write("wrk failed:\n" + t); sys.exit(1)
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", t)
requests = int(m.group(1))
read = float(m.group(2)) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[m.group(3)]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
err = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
cpu = int(sys.argv[2]) / int(sys.argv[3]) * 1e6 / max(1, requests)
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {read / max(1, requests):.0f} {cpu:.1f} {err.group(1) if err else 0}")
PY
}

echo "100 KB HTML, Accept-Encoding: $ae; wrk -t$threads -c$connections -d${duration}s, $rounds interleaved rounds;" \
  "nginx gzip_comp_level $level; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %H:%M') UTC"
for port in $edge_port $gzip_port $static_port; do
  wrk -t"$threads" -c"$connections" -d"${warm}s" -H "Accept-Encoding: $ae" "http://127.0.0.1:$port/page.html" >/dev/null 2>&1
done
: >"$work/results"
for r in $(seq 1 "$rounds"); do
  echo "edge $r $(run "$edge_port" "$edge_pid")" | tee -a "$work/results"
  echo "nginx-gzip $r $(run "$gzip_port" $nginx_pids)" | tee -a "$work/results"
  echo "nginx-static $r $(run "$static_port" $nginx_pids)" | tee -a "$work/results"
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    server, _, rps, p50, p99, size, cpu, err = line.split()
    rows.setdefault(server, []).append([float(rps), float(p50), float(p99), float(size), float(cpu), int(err)])
med = {s: [statistics.median(x[i] for x in v) for i in range(5)] for s, v in rows.items()}
print(f"{'server':13s} {'req/s':>8s} {'p50_ms':>7s} {'p99_ms':>7s} {'bytes/resp':>10s} {'cpu_us/req':>10s} {'non2xx':>6s}")
for s, m in med.items():
    print(f"{s:13s} {m[0]:8.0f} {m[1]:7.2f} {m[2]:7.2f} {m[3]:10.0f} {m[4]:10.1f} {sum(x[5] for x in rows[s]):6d}")
e = med["edge"]
for peer in ("nginx-gzip", "nginx-static"):
    n = med[peer]
    print(f"edge/{peer}: req/s {e[0] / n[0]:.2f}x, bytes on the wire {e[3] / n[3]:.2f}x, cpu/req {e[4] / n[4]:.2f}x")
PY
