"""Hostile clients against the running demo (run by bench/hostile.sh, which starts the demo).

Usage: hostile.py DEMO_LOG FLOOD WORKDIR

Reads the processes' ids and the admin token from the demo's banner, drives each attack against
the real processes and prints one table row per attack: what the CDN did and the figures. Exits
non-zero when a check fails (an edge or the DNS server answering wrongly afterwards, a poisoned
or lost object, memory over its budget).
"""
import asyncio
import hashlib
import http.client
import json
import re
import socket
import struct
import subprocess
import sys
import time

LOG, FLOOD, WORK = sys.argv[1], int(sys.argv[2]), sys.argv[3]
EDGES = {"us-east": "127.0.0.11", "eu-west": "127.0.0.12", "ap-northeast": "127.0.0.13"}
ORIGIN = ("127.0.0.1", 9090)
HOST = "www.cdn.test"
banner = open(LOG).read()
pids = {}
for line in banner.splitlines():
    m = re.search(r"^\s+(origin|dns|edge (\S+)).*\bpid (\d+)", line)
    if m:
        pids[m.group(2) or m.group(1)] = int(m.group(3))
token = re.search(r"Bearer ([0-9a-f]{16,})", banner).group(1)
rows, failures = [], []


def row(attack, outcome, figures):
    rows.append((attack, outcome, figures))
    print(f"- {attack}: {outcome} ({figures})", flush=True)


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"  CHECK FAILED: {what}", flush=True)


def get(addr, path, headers=None, port=8080, source="127.0.0.1"):
    c = http.client.HTTPConnection(addr, port, timeout=30, source_address=(source, 0))
    h = {"Host": HOST}
    h.update(headers or {})
    c.request("GET", path, headers=h)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def heap_after_gc_mib(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) // 1024 if m else -1


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return -1


def edge_stats(addr):
    c = http.client.HTTPConnection(addr, 8080, timeout=10)
    c.request("GET", "/_cdn/stats", headers={"Authorization": "Bearer " + token})
    return json.loads(c.getresponse().read())


def memory_figures():
    return {name: (heap_after_gc_mib(pid), rss_mib(pid)) for name, pid in pids.items()}


before = memory_figures()
print("memory before (heap after GC MiB, RSS MiB):", before, flush=True)

# 1. overlapping ranges on a cached large object
big = "/gen/hostile-big.bin?size=8388608&cc=max-age%3D600"
_, _, origin_big = get(EDGES["eu-west"], big)
_, h, _ = get(EDGES["eu-west"], big)
check(h.get("x-cache", "").startswith("Hit"), "the 8 MiB object is cached on eu-west")


async def ranges(n):
    async def one():
        r, w = await asyncio.open_connection(EDGES["eu-west"], 8080)
        w.write((f"GET {big} HTTP/1.1\r\nHost: {HOST}\r\nRange: bytes=" + ",".join(["0-"] * 16)
                 + "\r\nConnection: close\r\n\r\n").encode())
        await w.drain()
        status = (await r.readline()).split()[1]
        total = 0
        while chunk := await r.read(1 << 16):
            total += len(chunk)
        w.close()
        return int(status), total
    return await asyncio.gather(*(one() for _ in range(n)))

t0 = time.time()
answers = asyncio.run(ranges(40))
statuses = sorted({s for s, _ in answers})
largest = max(n for _, n in answers)
heap = heap_after_gc_mib(pids["eu-west"])
row("40 x Range: bytes=0-,0-,... (16 ranges) on a cached 8 MiB object", f"status {statuses}",
    f"largest answer {largest / 2**20:.1f} MiB, {time.time() - t0:.1f} s, eu-west heap after GC {heap} MiB")
check(largest < 9 * 2**20, "no answer multiplies the body")


# 2. slowloris: 1,000 connections from one address, a byte every few seconds
async def slowloris(n, seconds):
    opened, refused = [], 0
    for _ in range(n):
        try:
            r, w = await asyncio.open_connection(EDGES["us-east"], 8080, local_addr=("127.0.0.1", 0))
            w.write(b"GET / HTTP/1.1\r\nHost: www.cdn.test\r\n")
            opened.append((r, w))
        except OSError:
            refused += 1
    normal_ok = 0
    end = time.time() + seconds
    while time.time() < end:
        for r, w in opened:
            if w.is_closing():  # the edge closed it: writing more only makes asyncio warn
                continue
            try:
                w.write(b"X-a: b\r\n")
            except Exception:
                pass
        try:  # a client of another address (the cap is per address)
            status, _, _ = await asyncio.to_thread(get, EDGES["us-east"], "/index.html", None, 8080, "127.0.0.5")
            normal_ok += status == 200
        except OSError:
            pass
        await asyncio.sleep(2)
    alive = 0
    for r, w in opened:
        if w.is_closing():
            continue
        try:
            w.write(b"X-b: c\r\n")
            await w.drain()
            data = await asyncio.wait_for(r.read(1), 0.05)
            alive += data != b""
        except asyncio.TimeoutError:
            alive += 1
        except Exception:
            pass
        w.close()
    return len(opened), refused, alive, normal_ok

held, refused, alive, normal_ok = asyncio.run(slowloris(1000, 16))
row("1,000 slowloris connections from one address, a header line every 2 s for 16 s",
    f"{alive} still open at the end", f"{held} accepted, {refused} refused at connect; a client of another address got 200 {normal_ok} times meanwhile")
check(alive == 0, "no slowloris connection outlives the header deadline")
check(normal_ok > 0, "a normal client is served during the attack")

# 3. a flood of distinct cacheable URLs over the three edges
lua = f"{WORK}/flood.lua"
open(lua, "w").write("""
local counter = 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function request()
  counter = counter + 1
  return wrk.format("GET", "/gen/f.bin?size=64&cc=max-age%3D86400&u=" .. tid .. "-" .. counter, {["Host"] = "www.cdn.test"})
end
""")
per_edge = FLOOD // 3
t0 = time.time()
procs = [subprocess.Popen(["wrk", "-t1", "-c21", "-d600s", "-s", lua, f"http://{a}:8080/"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for a in EDGES.values()]
# stop each wrk once its edge has answered its share of the flood
done = set()
while len(done) < 3 and time.time() - t0 < 600:
    for name, a in EDGES.items():
        if name not in done and edge_stats(a)["misses"] >= per_edge:
            procs[list(EDGES).index(name)].terminate()
            done.add(name)
    time.sleep(0.5)
for p in procs:
    p.wait()
flood_secs = time.time() - t0
after = memory_figures()
budgets = {}
for name, a in EDGES.items():
    s = edge_stats(a)
    budgets[name] = (s["bytes"], s["budgetBytes"], s["entries"])
    check(s["bytes"] <= s["budgetBytes"], f"{name}: cache within its budget")
    check(after[name][0] < (s["budgetBytes"] >> 20) + 300,
          f"{name}: heap after GC within the cache budget plus 300 MiB ({after[name][0]} MiB)")
check(after["dns"][0] < before["dns"][0] + 100, "the DNS server (a lite member) holds none of it")
row(f"{FLOOD:,} distinct cacheable URLs (64 B) over the three edges, 63 connections",
    f"served in {flood_secs:.0f} s",
    "heap after GC / RSS MiB: " + ", ".join(f"{n} {h}/{r}" for n, (h, r) in after.items())
    + "; cache MiB/budget MiB/entries: " + ", ".join(f"{n} {b[0] >> 20}/{b[1] >> 20}/{b[2]}" for n, b in budgets.items()))

# 4. request targets: an absolute-form target for another host, spellings of one path
c = http.client.HTTPConnection(EDGES["eu-west"], 8080, timeout=10)
c.putrequest("GET", "http://evil.test/index.html", skip_host=True)
c.putheader("Host", HOST)
c.endheaders()
absolute = c.getresponse().status
c.close()
get(EDGES["eu-west"], "/gen/b.txt?cc=max-age%3D600")
spellings = ["/gen/a/../b.txt?cc=max-age%3D600", "/gen/%62.txt?cc=max-age%3D600", "/gen/./b.txt?cc=max-age%3D600"]
caches = [get(EDGES["eu-west"], s)[1].get("x-cache", "") for s in spellings]
row("GET http://evil.test/... with Host www.cdn.test; /a/../b, /%62, /./b after /b",
    f"absolute-form: {absolute}; spellings: {', '.join(x.split(' ')[0] for x in caches)}", "one cache entry per object")
check(absolute == 400, "an absolute-form target for another host is refused")
check(all(x.startswith("Hit") for x in caches), "every spelling of a path is the one cached object")

# 5. forwarded headers cannot steer the origin request or the cache key
s1, h1, b1 = get(EDGES["ap-northeast"], "/gen/fwd.bin?size=100&cc=max-age%3D600",
                 {"X-Forwarded-Host": "evil.test", "X-Original-URL": "/admin", "Forwarded": "host=evil.test"})
s2, h2, b2 = get(EDGES["ap-northeast"], "/gen/fwd.bin?size=100&cc=max-age%3D600")
row("X-Forwarded-Host / X-Original-URL / Forwarded from the client", f"{s1}, then {h2.get('x-cache', '').split(' ')[0]}",
    "same object, same key")
check(b1 == b2 and h2.get("x-cache", "").startswith("Hit"), "forwarded headers change neither the object nor its key")


# 6. DNS over TCP: many connections from one address; a client that pipelines and never reads
def dns_query(name, qid):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for part in name.split("."):
        q += bytes([len(part)]) + part.encode()
    return q + b"\x00" + struct.pack(">HH", 1, 1)


conns, accepted = [], 0
for i in range(100):
    s = socket.create_connection(("127.0.0.1", 8053), timeout=5)
    conns.append(s)
time.sleep(0.5)
for i, s in enumerate(conns):
    try:
        q = dns_query("www.cdn.test", i)
        s.sendall(struct.pack(">H", len(q)) + q)
        s.settimeout(2)
        accepted += len(s.recv(2)) == 2
    except OSError:
        pass
    s.close()
pipe = socket.create_connection(("127.0.0.1", 8053), timeout=5)
pipe.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
sent = 0
pipe.setblocking(False)
t0 = time.time()
while time.time() - t0 < 10:
    q = dns_query("www.cdn.test", sent & 0xFFFF)
    try:
        pipe.send(struct.pack(">H", len(q)) + q)
        sent += 1
    except BlockingIOError:
        time.sleep(0.05)
    except OSError:
        break
dns_heap = heap_after_gc_mib(pids["dns"])
pipe.close()
row("DNS: 100 TCP connections from one address; one client pipelining for 10 s without reading",
    f"{accepted} of 100 answered", f"{sent} queries accepted before the server stopped reading; DNS heap after GC {dns_heap} MiB")
check(accepted < 100, "one address cannot hold every TCP slot")
check(dns_heap < before["dns"][0] + 100, "a client that never reads does not grow the DNS server's memory")

# afterwards: everything still answers, and answers right
for name, a in EDGES.items():
    s, h, b = get(a, "/index.html")
    check(s == 200, f"{name} serves after the attacks")
    s, h, b = get(a, big)
    check(hashlib.sha256(b).digest() == hashlib.sha256(origin_big).digest(), f"{name}: the large object is the origin's bytes")
dig = subprocess.run(["dig", "@127.0.0.1", "-p", "8053", "www.cdn.test", "+subnet=81.2.69.0/24", "+short"],
                     capture_output=True, text=True).stdout.strip()
check(dig == "127.0.0.12", f"DNS still routes London to eu-west (got {dig!r})")
row("afterwards", "every edge serves the origin's bytes; DNS routes London to eu-west" if not failures else "FAILED",
    f"{len(failures)} failed checks")

print()
print(f"| attack | what the CDN did | figures |")
print(f"|---|---|---|")
for a, o, f in rows:
    print(f"| {a} | {o} | {f} |")
if failures:
    print("\nFAILED:", *failures, sep="\n  ")
    sys.exit(1)
