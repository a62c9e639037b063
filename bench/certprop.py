#!/usr/bin/env python3
"""Certificate propagation to every edge (bench/cert-propagation.sh runs it; issue 20).

Watches the certificate each edge serves by polling it over TLS: one thread per edge does full
handshakes naming the host (SNI), verifying the chain against the CA given, and notes the time
each edge first serves a new serial (the end of the handshake that showed it: an upper bound; the
widest gap between the two polls around a change is printed as the resolution). Polls are ~every
POLL_MS while a change is expected and every 200 ms otherwise. The edges' own log lines of each
switch (same machine, same clock) are printed beside. One keep-alive HTTPS connection per edge
sends GET /_cdn/health every 50 ms for the whole run; any error, non-200 answer or closed
connection counts as a drop (the connection is then opened again).

Phases (each only when its count is > 0):
  acme:  waits for RENEWALS renewals of the ACME certificate. A renewal starts with an edge's log
         line "ordering a certificate"; the issuing edge logs "certificate for ... issued (serial S)
         and stored for the cluster" (its clock time: issuance). Per renewal: issued -> first and
         last edge serving S, first -> last edge, and issued -> last edge's own "serving the ACME
         certificate ... (serial S)" log line.
  files: ROUNDS times, a new certificate and key (made beforehand, signed by the files CA) are
         renamed over the PEM files all edges watch (key first, then certificate: each rename is
         atomic); time from the first rename to each edge serving the new serial.
  admin: the same, and at once POST /_cdn/tls/reload to every edge in parallel (the watch still
         runs: whichever comes first).
Between file rounds a random 0.55-1.55 s pause, so renames land at any phase of the edges' timers.

Usage: certprop.py SPEC.json   (written by cert-propagation.sh)
"""
import http.client
import json
import os
import random
import re
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

spec = json.load(open(sys.argv[1]))
edges = spec["edges"]  # [{id, http, tls, log}]
POLL = spec.get("poll_ms", 3) / 1000.0
SLOW = 0.2
token = spec["token"]
stop = threading.Event()
fast = threading.Event()


def context(cafile):
    c = ssl.create_default_context(cafile=cafile)
    c.check_hostname = True
    return c


def norm(serial):
    return serial.lower().lstrip("0") or "0"


class Poller(threading.Thread):
    """The serial `edge` serves for `host`, and when each serial was first seen."""

    def __init__(self, edge, host, cafile):
        super().__init__(daemon=True)
        self.edge, self.host, self.ctx = edge, host, context(cafile)
        self.first = {}  # serial -> time first seen
        self.current = None
        self.polls = 0
        self.gap = {}  # serial -> time between the poll that first saw it and the one before
        self.errors = 0
        self.done = threading.Event()

    def run(self):
        last = None  # end of the last poll that succeeded
        while not stop.is_set() and not self.done.is_set():
            t0 = time.time()
            try:
                with socket.create_connection(("127.0.0.1", self.edge["tls"]), timeout=5) as raw:
                    with self.ctx.wrap_socket(raw, server_hostname=self.host) as s:
                        serial = norm(s.getpeercert()["serialNumber"])
                t1 = time.time()
                self.polls += 1
                if serial not in self.first:
                    self.first[serial] = t1
                    if last is not None:
                        self.gap[serial] = t1 - last
                self.current = serial
                last = t1
            except (OSError, ssl.SSLError, KeyError):
                # not serving a certificate this CA signed (yet): the edge's default one
                self.errors += 1
                self.current = None
                last = None
            time.sleep(POLL if fast.is_set() else SLOW)


class KeepAlive(threading.Thread):
    """One HTTPS keep-alive connection to `edge`, a request every 50 ms; counts drops."""

    def __init__(self, edge, host):
        super().__init__(daemon=True)
        self.edge, self.host = edge, host
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE
        self.ok = 0
        self.failures = []  # (time, what)
        self.connections = 0

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.edge["tls"]), timeout=5)
        s = self.ctx.wrap_socket(raw, server_hostname=self.host)
        self.connections += 1
        return s, s.makefile("rb")

    def run(self):
        s = f = None
        req = ("GET /_cdn/health HTTP/1.1\r\nHost: %s\r\n\r\n" % self.host).encode()
        while not stop.is_set():
            try:
                if s is None:
                    s, f = self.connect()
                s.sendall(req)
                status = f.readline()
                if not status:
                    raise OSError("connection closed by the edge")
                length = 0
                while True:
                    line = f.readline()
                    if not line:
                        raise OSError("connection closed in the response head")
                    if line in (b"\r\n", b"\n"):
                        break
                    k, _, v = line.decode("latin-1").partition(":")
                    if k.strip().lower() == "content-length":
                        length = int(v.strip())
                    if k.strip().lower() == "connection" and "close" in v.lower():
                        raise OSError("edge sent Connection: close")
                body = f.read(length)
                if len(body) != length:
                    raise OSError("short body")
                if b" 200 " not in status:
                    self.failures.append((time.time(), status.decode("latin-1").strip()))
                else:
                    self.ok += 1
            except (OSError, ssl.SSLError, ValueError) as e:
                self.failures.append((time.time(), repr(e)))
                try:
                    s.close()
                except Exception:
                    pass
                s = f = None
            time.sleep(0.05)
        if s is not None:
            s.close()


def log_time(hms):
    """Epoch seconds of an HH:MM:SS.mmm log stamp (the processes run with TZ=UTC)."""
    now = datetime.now(timezone.utc)
    t = datetime.strptime(hms, "%H:%M:%S.%f").time()
    d = datetime.combine(now.date(), t, tzinfo=timezone.utc)
    if d - now > timedelta(hours=12):
        d -= timedelta(days=1)
    return d.timestamp()


class Logs:
    """New lines of every edge's log since the last look."""

    def __init__(self):
        self.pos = {e["id"]: 0 for e in edges}

    def new_lines(self):
        out = []
        for e in edges:
            with open(e["log"], "rb") as fh:
                fh.seek(self.pos[e["id"]])
                data = fh.read()
            cut = data.rfind(b"\n") + 1
            self.pos[e["id"]] += cut
            out += [(e["id"], l) for l in data[:cut].decode("utf-8", "replace").splitlines()]
        return out

    def all_lines(self):
        out = []
        for e in edges:
            with open(e["log"], "rb") as fh:
                out += [(e["id"], l) for l in fh.read().decode("utf-8", "replace").splitlines()]
        return out


def wait_all(pollers, old, timeout):
    """Until every poller serves a serial other than `old[edge]`; yields {edge: (serial, t)}."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        seen = {}
        for p in pollers:
            if p.current is not None and p.current != old[p.edge["id"]]:
                seen[p.edge["id"]] = (p.current, p.first[p.current])
        if len(seen) == len(pollers):
            return seen
        time.sleep(0.002)
    sys.exit("not every edge served a new certificate within %d s: %s"
             % (timeout, {p.edge["id"]: p.current for p in pollers}))


def stats(name, v):
    if not v:
        return
    v = sorted(v)
    print("  %-44s p50 %7.1f ms  max %7.1f ms  (n=%d)" % (name, statistics.median(v), v[-1], len(v)))


def resolution(pollers, serials):
    """The widest gap between two polls of an edge around a change measured, in ms."""
    gaps = [p.gap[s] for p in pollers for s in serials if s in p.gap]
    return max(gaps) * 1000 if gaps else float("nan")


keepalive = [KeepAlive(e, spec["acme_host"] if spec["renewals"] else spec["files_host"])
             for e in edges]
results = {}

# ---------------------------------------------------------------- acme
if spec["renewals"] > 0:
    acme = [Poller(e, spec["acme_host"], spec["acme_ca"]) for e in edges]
    for p in acme:
        p.start()
    deadline = time.time() + spec["first_timeout"]
    while not all(p.current for p in acme):
        if time.time() > deadline:
            sys.exit("no ACME certificate on every edge within %d s: %s"
                     % (spec["first_timeout"], {p.edge["id"]: p.current for p in acme}))
        time.sleep(0.1)
    # the first certificate may reach the edges one after the other: wait until they agree
    while len({p.current for p in acme}) != 1:
        time.sleep(0.05)
    print("first ACME certificate served by all %d edges (serial %s)" % (len(acme), acme[0].current),
          flush=True)
    for k in keepalive:
        k.start()
    logs = Logs()
    logs.new_lines()
    issued_re = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) .*certificate for .* issued \(serial ([0-9a-f]+)\)")
    serving_re = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) .*serving the ACME certificate .*\(serial ([0-9a-f]+)\)")
    spread, to_last, to_first, logged, serials = [], [], [], [], []
    for r in range(1, spec["renewals"] + 1):
        old = {p.edge["id"]: p.current for p in acme}
        deadline = time.time() + spec["renewal_timeout"]
        while not any("ordering a certificate" in l for _, l in logs.new_lines()):
            if time.time() > deadline:
                sys.exit("renewal %d: no order started within %d s" % (r, spec["renewal_timeout"]))
            time.sleep(0.05)
        fast.set()
        seen = wait_all(acme, old, 120)
        fast.clear()
        serial = next(iter(seen.values()))[0]
        serials.append(serial)
        if any(s != serial for s, _ in seen.values()):
            sys.exit("renewal %d: the edges serve different certificates: %s" % (r, seen))
        time.sleep(0.5)  # the log lines are written
        issued = serving = None
        serving_at = {}
        for eid, line in logs.all_lines():
            m = issued_re.match(line)
            if m and norm(m.group(2)) == serial:
                issued = log_time(m.group(1))
            m = serving_re.match(line)
            if m and norm(m.group(2)) == serial:
                serving_at[eid] = log_time(m.group(1))
        times = [t for _, t in seen.values()]
        first, last = min(times), max(times)
        spread.append((last - first) * 1000)
        line = "renewal %d (serial %s): first -> last edge %6.1f ms" % (r, serial[:12], spread[-1])
        if issued is not None:
            to_first.append((first - issued) * 1000)
            to_last.append((last - issued) * 1000)
            line += "  issued -> first %6.1f ms  -> last %6.1f ms" % (to_first[-1], to_last[-1])
            if len(serving_at) == len(edges):
                logged.append((max(serving_at.values()) - issued) * 1000)
                line += "  (edges' own log: last %6.1f ms)" % logged[-1]
        else:
            line += "  (no issuance log line found)"
        print(line, flush=True)
    for p in acme:
        p.done.set()
    results["acme"] = (spread, to_first, to_last, logged, resolution(acme, serials))

# ---------------------------------------------------------------- files (+ admin)
def reload_all():
    out = {}

    def one(e):
        t0 = time.time()
        c = http.client.HTTPConnection("127.0.0.1", e["http"], timeout=30)
        c.request("POST", "/_cdn/tls/reload", headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        body = r.read()
        out[e["id"]] = (r.status, (time.time() - t0) * 1000, body)
        c.close()

    ts = [threading.Thread(target=one, args=(e,)) for e in edges]
    for t in ts:
        t.start()
    return ts, out


files_phases = [m for m in ("files", "admin") if spec.get(m + "_rounds", 0) > 0]
if files_phases:
    pollers = [Poller(e, spec["files_host"], spec["files_ca"]) for e in edges]
    for p in pollers:
        p.start()
    deadline = time.time() + 60
    while not all(p.current for p in pollers):
        if time.time() > deadline:
            sys.exit("the edges do not serve the files certificate: %s"
                     % {p.edge["id"]: p.current for p in pollers})
        time.sleep(0.05)
    if not any(k.is_alive() for k in keepalive):
        for k in keepalive:
            k.start()
    cert, key = spec["files_cert"], spec["files_key"]
    flogs = Logs()
    for mode in files_phases:
        firsts, lasts, spreads, posts, serials, logged = [], [], [], [], [], []
        for r in range(1, spec[mode + "_rounds"] + 1):
            new_cert, new_key = cert + ".next", key + ".next"
            subprocess.run([spec["make_cert"], new_cert, new_key], check=True)
            end = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", new_cert],
                                 check=True, capture_output=True, text=True).stdout
            until = datetime.strptime(end.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
            reloaded_re = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) .*TLS certificates reloaded: "
                                     r"\[\[www\.files\.test\] until "
                                     + re.escape(until.strftime("%Y-%m-%dT%H:%M:%SZ")))
            time.sleep(random.uniform(0.3, 1.3))
            fast.set()
            time.sleep(0.25)  # every poller has seen the old certificate in fast mode
            old = {p.edge["id"]: p.current for p in pollers}
            t0 = time.time()
            os.rename(new_key, key)
            os.rename(new_cert, cert)
            threads = []
            if mode == "admin":
                threads, answers = reload_all()
            seen = wait_all(pollers, old, 30)
            for t in threads:
                t.join()
            fast.clear()
            serials += [s for s, _ in seen.values()]
            times = sorted(t for _, t in seen.values())
            firsts.append((times[0] - t0) * 1000)
            lasts.append((times[-1] - t0) * 1000)
            spreads.append((times[-1] - times[0]) * 1000)
            line = "%s round %d: rename -> first edge %6.1f ms  -> last edge %6.1f ms" % (
                mode, r, firsts[-1], lasts[-1])
            time.sleep(0.3)  # the log lines are written
            own = {}
            for eid, l in flogs.all_lines():
                m = reloaded_re.match(l)
                if m and eid not in own and log_time(m.group(1)) >= t0 - 0.002:
                    own[eid] = log_time(m.group(1))
            if len(own) == len(edges):
                logged.append((max(own.values()) - t0) * 1000)
                line += "  (edges' own log: last %6.1f ms)" % logged[-1]
            if mode == "admin":
                bad = {k: v for k, v in answers.items() if v[0] != 200}
                if bad:
                    sys.exit("admin reload refused: %s" % bad)
                posts += [v[1] for v in answers.values()]
                line += "  (POST answered in %s ms; changed: %s)" % (
                    "/".join("%.0f" % answers[e["id"]][1] for e in edges),
                    "/".join("y" if b'"changed":true' in answers[e["id"]][2] else "n" for e in edges))
            print(line, flush=True)
        results[mode] = (firsts, lasts, spreads, posts, resolution(pollers, serials), logged)

stop.set()
time.sleep(0.3)

print()
print("certificate propagation, %d edges (keep-alive request every 50 ms on each)" % len(edges))
if "acme" in results:
    spread, to_first, to_last, logged, res = results["acme"]
    print("ACME renewals (%d), poll gap around the changes <= %.1f ms:" % (len(spread), res))
    stats("issued (log) -> first edge serving", to_first)
    stats("issued (log) -> last edge serving", to_last)
    stats("first edge -> last edge serving", spread)
    stats("issued -> last edge's own log line", logged)
for mode, what in (("files", "PEM files renamed, file watch"),
                   ("admin", "PEM files renamed + POST /_cdn/tls/reload")):
    if mode in results:
        firsts, lasts, spreads, posts, res, logged = results[mode]
        print("%s (%d rounds), poll gap around the changes <= %.1f ms:" % (what, len(lasts), res))
        stats("rename -> first edge serving", firsts)
        stats("rename -> last edge serving", lasts)
        stats("first edge -> last edge serving", spreads)
        stats("rename -> last edge's own log line", logged)
        stats("POST sent -> 200", posts)
dropped = 0
for k in keepalive:
    dropped += len(k.failures)
    print("keep-alive %s: %d requests ok, %d failed, %d connection(s) opened%s" % (
        k.edge["id"], k.ok, len(k.failures), k.connections,
        ("; " + "; ".join("%s %s" % (time.strftime("%H:%M:%S", time.gmtime(t)), w)
                          for t, w in k.failures[:5])) if k.failures else ""))
print("keep-alive failures/drops: %d (goal 0)" % dropped)
