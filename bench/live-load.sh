#!/usr/bin/env bash
# Live streaming load benchmark (issue 22): the viewer count where frames start to drop and the
# delay through the server, RTMP and HLS, our edge side by side with nginx-rtmp (Debian
# libnginx-mod-rtmp, one worker as in bench/live.sh, `live on`, `hls on` served by the same nginx
# over HTTP; with 2 workers and rtmp_auto_push, the players on the worker without the publisher got
# nothing here, so a worker is what nginx-rtmp live gets).
# bench/live.sh measures CPU per viewer with real ffmpeg viewers and start-up time; ffmpeg viewers
# saturate a small machine long before the server does, so this one uses a light client:
# bench/liveload/ (JDK only, compiled here into the work dir), one process that publishes and plays.
#
# 1. ffmpeg encodes CLIP seconds once (testsrc 1280x720 25 fps, libx264 veryfast zerolatency, CBR
#    BITRATE, GOP 1 s, AAC 128k) into an FLV file.
# 2. For each server in turn, LiveLoad publishes that FLV's tags over RTMP at real-time pace,
#    looping, each with timestamp = ms since the tool's t0 (the first tag leaves at t0 with 0).
#    With the publisher alone, for HLS_SECONDS: the server's CPU (idle stream) and the HLS
#    playlist polled every 100 ms: for each new segment, the time it became listed minus the
#    time its first key frame was sent (t0 + that frame's timestamp, the frame found by a hash of
#    its IDR slice: servers shift segment timestamps, ours by 1 s, nginx-rtmp by 0.7 s), in ms and
#    in segments (its EXTINF).
#    Then for each N in STEPS: N minimal RTMP players (handshake, connect, createStream, play,
#    chunks read, no decoding) on two selector threads; until every player has its first frame
#    (at most WARMUP s) and 2 s more; then a WINDOW s window with the
#    server's CPU (utime+stime of the edge's JVM, nginx's master and worker, /proc/PID/stat),
#    video frames per player / 25 x WINDOW, and per frame: arrival time - (t0 + timestamp), the
#    delay through the server only (publisher and players share t0; no encoder, decoder or
#    player buffer in it). The ramp stops after the first step where a player got under 95% of
#    the frames or was disconnected: that N is the drop point.
#
#   bench/live-load.sh                                  # STEPS=50,100,200,400,800
#   STEPS=100,200,400,800,1600 WINDOW=20 bench/live-load.sh
#
# Installs ffmpeg, nginx and libnginx-mod-rtmp with apt-get when missing. Uses free loopback
# ports, a private copy of cdn.jar (bench/edge-common.sh), and kills exactly the PIDs it started.
BENCH_NAME=live-load
source "$(dirname "${BASH_SOURCE[0]}")/live-common.sh"
steps=${STEPS:-50,100,200,400,800}
warmup=${WARMUP:-30}
window=${WINDOW:-10}
hls_seconds=${HLS_SECONDS:-20}
clip=${CLIP:-10}
segment=${SEGMENT:-2}

echo "encoding ${clip}s of ${bitrate}bps 720p25..." >&2
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i "testsrc=size=1280x720:rate=25:duration=$clip" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$clip" \
  "${x264_cbr[@]}" -map 0:v -map 1:a -f flv "$work/clip.flv"

javac_bin=${JAVA_HOME:+$JAVA_HOME/bin/}javac
"$javac_bin" -d "$work/liveload" bench/liveload/*.java

run_tool() { # name url key hls_url pids...
  local name=$1 url=$2 k=$3 hls=$4
  shift 4
  echo "$name: HLS ${hls_seconds}s with the publisher alone, then steps $steps..." >&2
  "$java_bin" -cp "$work/liveload" LiveLoad "$work/clip.flv" "$url" bench "$k" "$hls" \
    "$(echo "$@" | tr ' ' ',')" "$steps" "$warmup" "$window" "$hls_seconds" "$hz" \
    | tee "$work/$name.out" | sed "s/^/  $name: /" >&2
}

# --- our edge, alone on the machine during its turn ---
start_live_edge "  keys: {bench: $key}
  hls:
    segmentMillis: $((segment * 1000))"
run_tool ours "rtmp://127.0.0.1:$edge_rtmp/live" "$key" \
  "http://127.0.0.1:$edge_port/live/bench/index.m3u8" "$edge_pid"
kill "$edge_pid"; wait "$edge_pid" 2>/dev/null || true

# --- nginx-rtmp: one worker, HLS served by its http (bench/live-common.sh) ---
live_nginx_conf 10000 hls 20000
start_nginx
wait_until "nginx-rtmp" 30 port_open "$nginx_rtmp"
# shellcheck disable=SC2086
run_tool nginx "rtmp://127.0.0.1:$nginx_rtmp/live" - "http://127.0.0.1:$nginx_http/hls/bench.m3u8" \
  $nginx_pids

python3 - "$work/ours.out" "$work/nginx.out" "$window" "$segment" <<'PY'
import re, sys
def parse(path):
    kv = lambda line: dict(re.findall(r"(\w+)=(\S+)", line))
    lines = open(path).read().splitlines()
    return ([kv(l) for l in lines if l.startswith("IDLE")][:1] or [{}])[0], \
           [kv(l) for l in lines if l.startswith("STEP")], \
           ([kv(l) for l in lines if l.startswith("HLS summary")][:1] or [{}])[0], \
           [kv(l) for l in lines if l.startswith("HLS segment")]
window, segment = float(sys.argv[3]), float(sys.argv[4])
res = {"ours": parse(sys.argv[1]), "nginx-rtmp": parse(sys.argv[2])}
print()
print(f"{'server':<11}{'viewers':>8}{'CPU %core':>10}{'CPU/viewer':>11}{'frames/exp':>11}{'lowest':>8}{'<95%':>6}{'dropped':>8}"
      f"{'delay p50':>10}{'p99':>6}{'max':>6}{'start max':>10}{'tool CPU':>9}{'load':>6}")
drop = {}
for name, (idle, steps, _, _) in res.items():
    base = float(idle.get("cpu", 0))
    print(f"{name:<11}{'idle':>8}{base:>9.1f}%{'':>11}{'':>11}{'':>8}{'':>6}{'':>8}{'':>10}{'':>6}{'':>6}{'':>10}{float(idle.get('tool', 0)):>8.1f}%")
    for s in steps:
        n = int(s["n"]); cpu = float(s["cpu"])
        print(f"{name:<11}{n:>8}{cpu:>9.1f}%{(cpu - base) / n:>10.3f}%{float(s['mean']):>11.3f}{float(s['min']):>8.3f}"
              f"{s['under95']:>6}{s['dropped']:>8}{s['p50']:>10}{s['p99']:>6}{s['max']:>6}{s['allstarted']:>10}{float(s['tool']):>8.1f}%{s['load']:>6}")
        if int(s["under95"]) + int(s["dropped"]) > 0 and name not in drop:
            drop[name] = n
print()
for name, (_, steps, _, _) in res.items():
    top = max((int(s["n"]) for s in steps), default=0)
    print(f"{name}: " + (f"frames start to drop at {drop[name]} viewers" if name in drop
                         else f"no drop up to {top} viewers (the last step)"))
for name, (_, steps, _, _) in res.items():
    neg = sum(int(s.get("negative", 0)) for s in steps)
    lag = max((int(s.get("publag", 0)) for s in steps), default=0)
    if neg:
        print(f"{name}: {neg} frames arrived before t0 + their timestamp: the server rewrote timestamps, delays invalid")
    print(f"{name}: the publisher ran at most {lag} ms behind its schedule during the steps")
print()
for name, (_, _, summ, segs) in res.items():
    if summ:
        d = sorted(int(s["delay"]) for s in segs)
        n = sorted(float(s["segments"]) for s in segs)
        print(f"{name} HLS: {summ['count']} segments, listed after their first key frame was sent: median {d[len(d)//2]} ms,"
              f" max {d[-1]} ms; in segments median {n[len(n)//2]:.2f}, max {n[-1]:.2f} (poll every 100 ms)")
    else:
        print(f"{name} HLS: no new segment seen")
PY
