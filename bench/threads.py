#!/usr/bin/env python3
"""Per-thread CPU of JVMs over a window, grouped by what the threads do (miss.sh PROFILE=).

  threads.py snap OUT PID...      # writes per-thread utime/stime/context switches of each JVM
  threads.py diff BEFORE AFTER N  # the CPU between two snapshots per group, and per request (N)

Thread names come from `jcmd PID Thread.print` (the kernel's comm is cut at 15 characters, which
leaves every Hazelcast thread as "hz.<instance>"): its nid is the Linux thread id under
/proc/PID/task. Threads the JVM does not list there (JIT compilers, GC workers) keep the comm.
"""
import json
import os
import re
import subprocess
import sys

GROUPS = [
    ("hz partition threads", r"partition-operation\.thread"),
    ("hz generic threads", r"generic-operation\.thread"),
    ("hz IO in", r"IO\.thread-in"),
    ("hz IO out", r"IO\.thread-out"),
    ("hz response", r"response-"),
    ("hz async callbacks", r"^hz-async-|ForkJoinPool\.commonPool"),
    ("hz other", r"^hz\.|hazelcast"),
    ("vert.x event loops", r"vert\.x-eventloop"),
    ("vert.x workers", r"vert\.x-(worker|internal-blocking|virtual)"),
    ("JIT compilers", r"Compiler|C1 |C2 "),
    ("GC", r"GC|G1 |Conc|Refine|Young|Service"),
    ("JFR", r"JFR"),
]


def names(pid):
    try:
        out = subprocess.run(
            ["jcmd", str(pid), "Thread.print"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found = {}
    for m in re.finditer(r'^"(.*?)".*?nid=(0x[0-9a-f]+|\d+)', out, re.M):
        nid = m.group(2)
        found[int(nid, 16) if nid.startswith("0x") else int(nid)] = m.group(1)
    return found


def snap(pids):
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        named = names(pid)
        threads = {}
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                stat = open(f"/proc/{pid}/task/{tid}/stat").read()
                status = open(f"/proc/{pid}/task/{tid}/status").read()
            except OSError:
                continue
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            vol = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
            invol = int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
            threads[tid] = {
                "name": named.get(int(tid), comm),
                "user_s": int(fields[11]) / ticks,
                "sys_s": int(fields[12]) / ticks,
                "vcsw": vol,
                "ivcsw": invol,
            }
        out[str(pid)] = threads
    return out


def group(name):
    for g, pattern in GROUPS:
        if re.search(pattern, name):
            return g
    return "other"


def diff(before, after, requests):
    rows = {}
    for pid, threads in after.items():
        for tid, t in threads.items():
            b = before.get(pid, {}).get(tid, {"user_s": 0, "sys_s": 0, "vcsw": 0, "ivcsw": 0})
            r = rows.setdefault(group(t["name"]), [0.0, 0.0, 0, 0])
            r[0] += t["user_s"] - b["user_s"]
            r[1] += t["sys_s"] - b["sys_s"]
            r[2] += t["vcsw"] - b["vcsw"]
            r[3] += t["ivcsw"] - b["ivcsw"]
    total = sum(r[0] + r[1] for r in rows.values()) or 1
    n = max(1, requests)
    print(f"{'threads':22s} {'cpu_s':>7s} {'share':>6s} {'user_us/req':>11s} {'sys_us/req':>10s} "
          f"{'csw/req':>8s}")
    for g, r in sorted(rows.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
        print(f"{g:22s} {r[0] + r[1]:7.2f} {100 * (r[0] + r[1]) / total:5.1f}% "
              f"{1e6 * r[0] / n:11.1f} {1e6 * r[1] / n:10.1f} {(r[2] + r[3]) / n:8.2f}")
    u = sum(r[0] for r in rows.values())
    s = sum(r[1] for r in rows.values())
    c = sum(r[2] + r[3] for r in rows.values())
    print(f"{'all':22s} {u + s:7.2f} 100.0% {1e6 * u / n:11.1f} {1e6 * s / n:10.1f} {c / n:8.2f}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "snap":
        with open(sys.argv[2], "w") as f:
            json.dump(snap(sys.argv[3:]), f)
    elif len(sys.argv) == 5 and sys.argv[1] == "diff":
        diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
