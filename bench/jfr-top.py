#!/usr/bin/env python3
"""Where the CPU samples of JFR recordings went (miss.sh PROFILE=).

  jfr-top.py REC.jfr...    # summed over the recordings given

Reads `jfr print --json --stack-depth 64 --events jdk.ExecutionSample` and prints the samples by
thread group (as bench/threads.py groups threads), by component (the first frame from the top of
the stack that belongs to one of COMPONENTS: where the time was spent, attributed to the code that
spent it), by package of the top frame, the top frames themselves, and for a few markers the share
of samples with that marker anywhere on the stack (inclusive).
"""
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
threads = __import__("threads")

# first match from the top of the stack wins
COMPONENTS = [
    ("HMAC / SHA-256", r"^(javax\.crypto\.|sun\.security\.provider\.(SHA|Digest)|com\.sun\.crypto\.provider\.(HmacCore|HmacSHA))"),
    ("hz serialization", r"^com\.hazelcast\.internal\.serialization\."),
    ("hz networking", r"^com\.hazelcast\.internal\.(networking|nio|server)\."),
    ("hz operations / invocations", r"^com\.hazelcast\.spi\.impl\.operation"),
    ("hz map / partitions", r"^com\.hazelcast\.(map|internal\.partition|internal\.eviction|internal\.util)\."),
    ("hz other", r"^com\.hazelcast\."),
    ("ours: cluster directory ops", r"^io\.opencdn\.common\.cluster\."),
    ("ours: edge cluster", r"^io\.opencdn\.edge\.cluster\."),
    ("ours: other", r"^io\.opencdn\."),
    ("netty", r"^io\.netty\."),
    ("vert.x", r"^io\.vertx\."),
    ("JDK nio / net", r"^(sun\.nio\.|java\.nio\.|sun\.net\.)"),
    ("JDK locks / threads", r"^(java\.util\.concurrent\.|jdk\.internal\.misc\.Unsafe|java\.lang\.Thread)"),
    ("JDK collections / strings", r"^(java\.util\.|java\.lang\.)"),
]

MARKERS = [
    ("RecordMac (any frame)", r"^io\.opencdn\.common\.cluster\.RecordMac\."),
    ("ClusterDirectory", r"^io\.opencdn\.edge\.cluster\.ClusterDirectory\."),
    ("ClusterFutures", r"^io\.opencdn\.common\.cluster\.ClusterFutures"),
    ("entry processors (BatchOp/ClaimOp/StoredOp...)", r"^io\.opencdn\.common\.cluster\.(BatchOp|ClaimOp|StoredOp|ReleaseOp|WithdrawOp|DirectoryEntry)\.process|\.store$"),
    ("hz serialization", r"^com\.hazelcast\.internal\.serialization\."),
    ("hz invocation (send side)", r"^com\.hazelcast\.spi\.impl\.operationservice\.impl\.Invocation\."),
    ("hz operation runner", r"^com\.hazelcast\.spi\.impl\.operationexecutor\.impl\.OperationRunnerImpl|^com\.hazelcast\.spi\.impl\.operationservice\.impl\.OperationRunnerImpl"),
    ("origin fill (fill.*)", r"^io\.opencdn\.edge\.fill\."),
    ("HTTP server (edge.http)", r"^io\.opencdn\.edge\.http\."),
    ("cache (edge.cache)", r"^io\.opencdn\.edge\.cache\."),
]


def frames(ev):
    st = ev.get("values", ev).get("stackTrace") or {}
    out = []
    for f in st.get("frames", []):
        m = f.get("method", {})
        cls = (m.get("type", {}) or {}).get("name", "?").replace("/", ".")
        out.append(cls + "." + m.get("name", "?"))
    return out


def load(path):
    out = subprocess.run(
        ["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out)["recording"]["events"]


def main(paths):
    by_group = collections.Counter()
    by_comp = collections.Counter()
    by_pkg = collections.Counter()
    top = collections.Counter()
    marks = collections.Counter()
    comp_in_group = collections.Counter()
    total = 0
    for p in paths:
        for ev in load(p):
            v = ev.get("values", ev)
            name = ((v.get("sampledThread") or {}).get("javaName")) or "?"
            fs = frames(ev)
            if not fs:
                continue
            total += 1
            g = threads.group(name)
            by_group[g] += 1
            comp = "other"
            for f in fs:
                hit = next((c for c, pat in COMPONENTS if re.search(pat, f)), None)
                if hit:
                    comp = hit
                    break
            by_comp[comp] += 1
            comp_in_group[(g, comp)] += 1
            by_pkg[".".join(fs[0].split(".")[:-2][:4])] += 1
            top[fs[0]] += 1
            for m, pat in MARKERS:
                if any(re.search(pat, f) for f in fs):
                    marks[m] += 1
    if not total:
        print("no samples")
        return

    def show(title, counter, n):
        print(f"\n{title}")
        for k, c in counter.most_common(n):
            print(f"  {100 * c / total:5.1f}%  {c:6d}  {k}")

    print(f"{total} CPU samples (jdk.ExecutionSample) in {len(paths)} recording(s)")
    show("by thread group", by_group, 20)
    show("by component (first matching frame from the top)", by_comp, 20)
    print("\ncomponents within the thread groups (top 25)")
    for (g, c), k in comp_in_group.most_common(25):
        print(f"  {100 * k / total:5.1f}%  {g:22s} {c}")
    show("by package of the top frame", by_pkg, 25)
    show("top frames", top, 30)
    show("inclusive (anywhere on the stack)", marks, 20)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
