#!/usr/bin/env bash
# Invalidation latency of the edge cluster (issue 6): three edges in one JVM, each a Hazelcast
# member on 127.0.0.1 (random secret and ports), each with its own Vert.x; ROUNDS invalidations
# (exact path, prefix wildcard, surrogate key in turn), each timed from the POST to the first
# GET /_cdn/invalidations/{id} that says Completed (every live edge purged and acknowledged).
# Prints p50/p90/p99/max and whether the target (p50 <= 100 ms, p99 <= 250 ms) is met.
# There is no peer product to run side by side here: the figure is compared with the target.
#
#   bench/purge.sh              # ROUNDS=200 OBJECTS=50
#   ROUNDS=500 bench/purge.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
rounds=${ROUNDS:-200}
objects=${OBJECTS:-50}
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
cp_file=$(mktemp /tmp/cdn-purge-bench-cp.XXXXXX)
trap 'rm -f "$cp_file"' EXIT
./mvnw -q -B -pl edge-node test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
cp="edge-node/target/test-classes:edge-node/target/classes:$(cat "$cp_file")"
timeout 300 "$java_bin" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dhazelcast.logging.type=none -cp "$cp" \
  io.opencdn.edge.cluster.PurgeBench "$rounds" "$objects"
