#!/usr/bin/env bash
# Hit-ratio benchmark of the edge (issue 5): one seeded Zipf(SKEW) trace (REQUESTS requests over
# KEYS keys, objects of OBJECT_BYTES) replayed (a) through the real edge (`cdn.jar edge --config`,
# memory tier only, `cache.memoryBytes` = BUDGET_MIB) in front of the origin-stub, counting
# X-Cache Hit vs Miss, and (b) through a byte-budget LRU (LinkedHashMap in access order) of the
# same budget and the same per-entry weight (the edge's bytes/entries from /_cdn/stats),
# simulated in the same program (bench/edgeload/EdgeLoad.java). Prints both and the difference.
#
#   bench/edge-zipf.sh
#   KEYS=50000 REQUESTS=200000 SKEW=0.9 OBJECT_BYTES=4096 BUDGET_MIB=16 SEED=42 CONCURRENCY=8 bench/edge-zipf.sh
source "$(dirname "${BASH_SOURCE[0]}")/edge-common.sh"
keys=${KEYS:-50000}
requests=${REQUESTS:-200000}
skew=${SKEW:-0.9}
object_bytes=${OBJECT_BYTES:-4096}
budget_mib=${BUDGET_MIB:-16}
seed=${SEED:-42}
concurrency=${CONCURRENCY:-8}

start_pair $((budget_mib * 1024 * 1024)) 512m
echo "edge hit ratio vs LRU: budget ${budget_mib} MiB, $(nproc) cores, $(date -u +%F)"
"$java_bin" bench/edgeload/EdgeLoad.java zipf "$edge_url" "$token" "$keys" "$requests" "$skew" \
  "$object_bytes" "$seed" "$concurrency"
