#!/usr/bin/env bash
# Memory benchmark of the edge (issue 5): the real edge (`cdn.jar edge --config`, memory tier
# only, `cache.memoryBytes` = BUDGET_MIB) in front of the origin-stub, driven through a working
# set of OBJECTS distinct objects of OBJECT_KIB (default 10,000 x 64 KiB = 625 MiB, ~10x the
# 64 MiB budget), PASSES times in order (every request a miss + eviction), by a JDK HTTP client
# with CONCURRENCY threads (bench/edgeload/EdgeLoad.java). Meanwhile the edge's RSS
# (/proc/PID/status VmRSS) and JVM heap used (jcmd GC.heap_info) are sampled every second.
# At the end: /_cdn/stats, a full GC (jcmd GC.run), heap after GC.
# Pass: cache bytes <= budget and heap after GC <= budget + OVERHEAD_MIB (fixed overhead).
#
#   bench/edge-memory.sh
#   BUDGET_MIB=64 OBJECTS=10000 OBJECT_KIB=64 PASSES=2 CONCURRENCY=16 EDGE_XMX=512m OVERHEAD_MIB=64 bench/edge-memory.sh
source "$(dirname "${BASH_SOURCE[0]}")/edge-common.sh"
budget_mib=${BUDGET_MIB:-64}
objects=${OBJECTS:-10000}
object_kib=${OBJECT_KIB:-64}
passes=${PASSES:-2}
concurrency=${CONCURRENCY:-16}
edge_xmx=${EDGE_XMX:-512m}
overhead_mib=${OVERHEAD_MIB:-64}
budget=$((budget_mib * 1024 * 1024))

start_pair "$budget" "$edge_xmx"

rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$edge_pid/status"; }
heap_kib() { "$jcmd_bin" "$edge_pid" GC.heap_info 2>/dev/null | sed -nE 's/.*heap +total [0-9]+K, used ([0-9]+)K.*/\1/p' | head -1; }

echo "edge memory: budget ${budget_mib} MiB, working set $objects x ${object_kib} KiB = $((objects * object_kib / 1024)) MiB, $passes passes, -Xmx$edge_xmx, $(nproc) cores, $(date -u +%F)"
"$jcmd_bin" "$edge_pid" GC.run >/dev/null
idle_heap=$(heap_kib); idle_rss=$(rss_kib)
echo "idle after start + full GC: heap used $((idle_heap / 1024)) MiB, RSS $((idle_rss / 1024)) MiB"

samples=$work/samples.txt
: >"$samples"
(
  while kill -0 "$edge_pid" 2>/dev/null; do
    echo "$(date +%s) $(rss_kib 2>/dev/null || echo 0) $(heap_kib || echo 0)" >>"$samples"
    sleep 1
  done
) &
sampler=$!
pids+=($sampler)

"$java_bin" bench/edgeload/EdgeLoad.java sweep "$edge_url" "$objects" $((object_kib * 1024)) "$passes" "$concurrency"
kill "$sampler" 2>/dev/null || true

st=$(stats)
"$jcmd_bin" "$edge_pid" GC.run >/dev/null
after_heap=$(heap_kib); after_rss=$(rss_kib)
python3 - "$samples" "$st" "$budget" "$after_heap" "$after_rss" "$overhead_mib" "$idle_heap" <<'PY'
import json, sys
samples, st, budget, after_heap, after_rss, overhead_mib, idle_heap = sys.argv[1:]
rows = [l.split() for l in open(samples) if len(l.split()) == 3]
rss = [int(r[1]) for r in rows if r[1].isdigit()]
heap = [int(r[2]) for r in rows if r[2].isdigit()]
s = json.loads(st)
budget = int(budget); mib = 1024 * 1024
print(f"samples: {len(rows)} (1/s)")
print(f"peak RSS {max(rss)/1024:.0f} MiB, peak heap used (incl. garbage, before GC) {max(heap)/1024:.0f} MiB")
print(f"cache: entries {s['entries']}, bytes {s['bytes']} ({s['bytes']/mib:.1f} MiB) of budget {s['budgetBytes']} ({budget/mib:.0f} MiB), evictions {s['evictions']}, hits {s['hits']}, misses {s['misses']}")
print(f"after full GC: heap used {int(after_heap)/1024:.0f} MiB, RSS {int(after_rss)/1024:.0f} MiB; heap above the cache bytes {(int(after_heap)*1024 - s['bytes'])/mib:.0f} MiB (idle heap was {int(idle_heap)/1024:.0f} MiB)")
limit = budget + int(overhead_mib) * mib
ok = s['bytes'] <= budget and int(after_heap) * 1024 <= limit
print(f"{'PASS' if ok else 'FAIL'}: cache bytes {s['bytes']} <= budget {budget}: {s['bytes'] <= budget}; heap after GC {int(after_heap)*1024/mib:.0f} MiB <= budget + {overhead_mib} MiB fixed overhead = {limit/mib:.0f} MiB: {int(after_heap)*1024 <= limit}")
PY
