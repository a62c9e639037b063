#!/usr/bin/env bash
# Hostile clients against ./cdn demo (issue 16): starts the demo (its fixed loopback addresses, so
# nothing else may use them meanwhile), drives each attack below against the real processes and
# prints a table: what was sent, what the CDN did, and the figures (heap after a full GC, RSS,
# connections held, requests refused). Afterwards every edge and the DNS server must still answer
# correctly and serve the origin's bytes (nothing poisoned, nothing stored lost).
#
#   bench/hostile.sh                 # FLOOD=200000 distinct URLs
#   FLOOD=50000 bench/hostile.sh
#
# Attacks: overlapping ranges on a cached 8 MiB object; 1,000 slowloris connections from one
# address; FLOOD distinct cacheable URLs (64 connections, spread over the three edges); an
# absolute-form target for another host and dot-segment/percent-encoded spellings of a cached
# path; forwarded headers; DNS over TCP: many connections from one address and a client that
# pipelines queries and never reads. The rogue cluster member is the launcher's RogueMemberTest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2..." >&2; apt-get install -y "$2" >/dev/null; }; }
need wrk wrk
need curl curl
need python3 python3
need dig bind9-dnsutils
[ -f launcher/target/cdn.jar ] || ./mvnw -q -B -DskipTests package
work=$(mktemp -d /tmp/cdn-hostile.XXXXXX)
demo_pid=
cleanup() {
  [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
./cdn demo >"$work/demo.log" 2>&1 &
demo_pid=$!
for _ in $(seq 1 300); do
  grep -q 'OpenCDN demo is running' "$work/demo.log" && break
  kill -0 "$demo_pid" 2>/dev/null || { echo "the demo stopped:"; tail -30 "$work/demo.log"; exit 1; }
  sleep 1
done
grep -q 'OpenCDN demo is running' "$work/demo.log" || { echo "the demo did not start"; tail -30 "$work/demo.log"; exit 1; }
python3 bench/hostile/hostile.py "$work/demo.log" "${FLOOD:-200000}" "$work"
