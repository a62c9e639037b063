#!/usr/bin/env python3
"""Glass-to-glass delay of live streams (bench/live-delay.sh runs it; issue 22).

One ffmpeg publisher generates a test pattern at real-time pace (-re, lavfi) and logs every frame
as it enters its filter graph (showinfo, before the encoder): the harness stamps that line with its
own monotonic clock when it reads it ("glass" on the camera side). Each player is an ffmpeg that
reads a URL, decodes the video and logs every decoded frame (showinfo after the decoder): stamped
the same way ("glass" on the screen side, minus the display's own refresh). Frames are matched by
presentation time:

    publisher frame n has pts n/25 s in its filter graph; the publisher writes it with
    -output_ts_offset PUB_OFFSET, so the FLV/RTMP timestamp of its video is PUB_OFFSET + 40 n ms;
    the player runs with -copyts and sees that timestamp plus the server's own offset for the
    protocol (RTMP: none on either server; HLS: ours +1000 ms, nginx-rtmp +700 ms in the MPEG-TS).

delay(frame) = player's stamp - the frame's capture time, in ms: the publisher's frames are
captured at origin + pts (origin: the earliest stamp - pts), so a publisher starved of CPU, whose
frames enter the filter graph late, counts as late glass. in_p50/in_p95: the same from the stamp
of the frame's entry into the publisher's filter graph (the publisher's own lateness left out). Only frames a player decoded inside the
measured window (after WARMUP) count, so a player's start-up (probing, the GOP it started with)
is not in the steady-state figures. A player that exits is restarted (HLS before the first
segments exist answers 404) and counted.

Usage: livedelay.py SPEC.json: one round, prints PUBLISHER and one RESULT key=value... line per player;
       livedelay.py --summary RESULTS SEGMENT_SECONDS: the table of medians over the rounds' lines.
SPEC: {"publisher": [argv...], "players": [{"label", "url", "offset_ms", "paced", "input_args"}...],
       "warmup": s, "window": s, "ready_timeout": s, "pub_offset_ms": ms}
"""
import json
import re
import signal
import subprocess
import sys
import threading
import time

SHOWINFO = re.compile(rb"Parsed_showinfo_\d+ @ [^\]]*\] n:\s*(\d+) pts:\s*(-?\d+) ")
TIME_BASE = re.compile(rb"Parsed_showinfo_\d+ @ [^\]]*\] config in time_base: (\d+)/(\d+)")


class Log:
    """Reads one ffmpeg's stderr; for each showinfo frame line, (pts in ms, stamp)."""

    def __init__(self, proc, keep_tail=40):
        self.proc = proc
        self.frames = []  # (pts_ms, monotonic seconds)
        self.tail = []
        self.time_base = None
        self.keep_tail = keep_tail
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        for line in iter(self.proc.stderr.readline, b""):
            now = time.monotonic()
            m = SHOWINFO.search(line)
            if m and self.time_base:
                num, den = self.time_base
                self.frames.append((int(m.group(2)) * num * 1000 // den, now))
                continue
            tb = TIME_BASE.search(line)
            if tb:
                self.time_base = (int(tb.group(1)), int(tb.group(2)))
            else:
                self.tail.append(line.decode(errors="replace").rstrip())
                del self.tail[: -self.keep_tail]


def ffmpeg_player(url, paced, input_args):
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info"]
    if paced:
        cmd += ["-re"]  # reads at the stream's pace from where the server started it: a player's playback
    cmd += input_args + ["-copyts", "-i", url, "-map", "0:v:0", "-vf", "showinfo=checksum=0", "-f", "null", "-"]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Player:
    def __init__(self, spec, deadline):
        self.spec = spec
        self.deadline = deadline
        self.logs = []
        self.restarts = 0
        self.lock = threading.Lock()
        self.stopped = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while time.monotonic() < self.deadline:
            with self.lock:  # stop() takes the lock too: no player starts after it
                if self.stopped:
                    break
                p = ffmpeg_player(self.spec["url"], self.spec.get("paced", False), self.spec.get("input_args", []))
                log = Log(p)
                self.logs.append(log)
            while p.poll() is None and not self.stopped:
                time.sleep(0.1)
            if self.stopped:
                break
            log.thread.join(1)
            with self.lock:
                self.restarts += 1
            time.sleep(0.3)

    def stop(self):
        with self.lock:
            self.stopped = True
            for log in self.logs:
                if log.proc.poll() is None:
                    log.proc.terminate()
            for log in self.logs:
                try:
                    log.proc.wait(5)
                except subprocess.TimeoutExpired:
                    log.proc.kill()
                    log.proc.wait()

    def frames(self):
        return [f for log in self.logs for f in log.frames]


def pct(sorted_values, q):
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[i]


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the finally below stops every ffmpeg
    spec = json.load(open(sys.argv[1]))
    warmup, window = float(spec["warmup"]), float(spec["window"])
    pub_offset = int(spec["pub_offset_ms"])
    pub = subprocess.Popen(spec["publisher"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    pub_log = Log(pub)
    players = []
    try:
        # the publisher's first frame, then the players (retrying until the stream is there)
        ready_by = time.monotonic() + float(spec.get("ready_timeout", 30))
        while not pub_log.frames:
            if pub.poll() is not None or time.monotonic() > ready_by:
                sys.exit("the publisher did not start:\n" + "\n".join(pub_log.tail))
            time.sleep(0.05)
        time.sleep(float(spec.get("settle", 0)))
        start = time.monotonic()
        end = start + warmup + window
        players.extend(Player(p, end) for p in spec["players"])
        load0 = open("/proc/loadavg").read().split()[0]
        while time.monotonic() < end:
            if pub.poll() is not None:
                sys.exit("the publisher exited:\n" + "\n".join(pub_log.tail))
            time.sleep(0.2)
        load1 = open("/proc/loadavg").read().split()[0]
    finally:
        for p in players:
            p.stop()
        if pub.poll() is None:
            pub.terminate()
            try:
                pub.wait(5)
            except subprocess.TimeoutExpired:
                pub.kill()
        pub_log.thread.join(2)

    # A camera captures frame n at origin + n/25 s whatever the encoder does: origin is the earliest
    # (stamp - pts) of the publisher's frames (-re never lets a frame in before its time); a frame
    # that entered the filter graph later than that (the encoder held the pipeline up) is late glass.
    origin = min(t - pts / 1000 for pts, t in pub_log.frames)
    pub_lag = max((t - origin) * 1000 - pts for pts, t in pub_log.frames)
    sent = {pub_offset + pts: origin + pts / 1000 for pts, _ in pub_log.frames}
    entered = {pub_offset + pts: t for pts, t in pub_log.frames}
    w0, w1 = start + warmup, end
    print(f"PUBLISHER frames={len(pub_log.frames)} lag_max_ms={pub_lag:.0f} load={load0},{load1}")
    for p in players:
        s = p.spec
        delays, from_input, unmatched, earlier = [], [], 0, 0
        for pts, t in p.frames():
            if not (w0 <= t <= w1):
                continue
            key = pts - int(s["offset_ms"])
            t_sent = sent.get(key)
            if t_sent is None:
                unmatched += 1
                continue
            d = (t - t_sent) * 1000
            if d < 0:
                earlier += 1
            delays.append(d)
            from_input.append((t - entered[key]) * 1000)
        delays.sort()
        from_input.sort()
        first = next((log.frames[0] for log in p.logs if log.frames), None)
        print(f"RESULT label={s['label']} frames={len(delays)} unmatched={unmatched} negative={earlier}"
              f" restarts={p.restarts} p50={pct(delays, .5):.0f} p95={pct(delays, .95):.0f}"
              f" max={(delays[-1] if delays else float('nan')):.0f} min={(delays[0] if delays else float('nan')):.0f}"
              f" expected={int(window * 25)} first_pts={first[0] if first else 'none'}"
              f" in_p50={pct(from_input, .5):.0f} in_p95={pct(from_input, .95):.0f}")
        if not delays:
            tail = [line for log in p.logs for line in log.tail][-8:]
            print("  no frame matched; player's last lines:\n    " + "\n    ".join(tail), file=sys.stderr)


def summary(path, segment):
    """Medians over the rounds of each encoder/mode/server/protocol (the lines main printed)."""
    import statistics
    rows, pubs = {}, {}
    group = None
    for line in open(path):
        kv = dict(re.findall(r"(\w+)=(\S+)", line))
        if line.startswith("PUBLISHER"):
            group = None
            pubs.setdefault("pending", []).append(kv)
        m = re.match(r"RESULT label=(\S+ \S+ \S+ \S+) ", line)
        if m:
            label = m.group(1)
            rows.setdefault(label, []).append(kv)
            enc_mode = " ".join(label.split()[:2])
            if group is None:
                group = enc_mode
                pubs.setdefault(enc_mode, []).extend(pubs.pop("pending", []))
    def med(rs, k):
        values = [float(r[k]) for r in rs if k in r]
        return statistics.median(values) if values else float("nan")

    print()
    print(f"{'encoder':<12}{'player':<9}{'server':<11}{'proto':<6}{'rounds':>7}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
          f"{'p50 seg':>8}{'p95 seg':>8}{'in p50':>8}{'in p95':>8}{'pub late':>9}  frames")
    for label, rs in rows.items():
        enc, mode, server, proto = label.split()
        name = "nginx-rtmp" if server == "nginx" else server
        good = [r for r in rs if int(r["frames"]) > 0]
        if not good:
            print(f"{enc:<12}{mode:<9}{name:<11}{proto:<6}{len(rs):>7}  no frame measured")
            continue
        p50, p95, mx = med(good, "p50"), med(good, "p95"), med(good, "max")
        seg = f"{p50 / 1000 / segment:>8.2f}{p95 / 1000 / segment:>8.2f}" if proto == "hls" else f"{'':>16}"
        lag = statistics.median(float(p["lag_max_ms"]) for p in pubs.get(f"{enc} {mode}", [{"lag_max_ms": "nan"}]))
        bad = sum(int(r["negative"]) + int(r["unmatched"]) for r in rs)
        restarts = sum(int(r["restarts"]) for r in rs)
        print(f"{enc:<12}{mode:<9}{name:<11}{proto:<6}{len(good):>7}{p50:>8.0f}{p95:>8.0f}{mx:>8.0f}{seg}"
              f"{med(good, 'in_p50'):>8.0f}{med(good, 'in_p95'):>8.0f}{lag:>9.0f}  {'/'.join(r['frames'] for r in rs)}"
              + (f", {restarts} restarts" if restarts else "") + (f", {bad} frames negative or unmatched" if bad else ""))
    loads = [float(x) for ps in pubs.values() for p in ps for x in p["load"].split(",")]
    print()
    print(f"medians over the rounds of each round's p50/p95/max (ms from capture); HLS also in segments of {segment:g} s;")
    print("'in': from the frame's entry into the publisher's filter graph; 'pub late': how far the publisher's")
    print("input ran behind real time at most (median over rounds; CPU starvation); 'frames': measured per round (25 fps x window)")
    if loads:
        print(f"load average (1 min) at the start and end of the rounds: {min(loads):.1f}-{max(loads):.1f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--summary":
        summary(sys.argv[2], float(sys.argv[3]))
    else:
        main()
