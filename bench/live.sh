#!/usr/bin/env bash
# Live streaming benchmark (issue 22): our edge's RTMP fan-out side by side with nginx-rtmp
# (Debian libnginx-mod-rtmp, one worker, `live on`) on the same machine and the same stream.
# One ffmpeg publisher encodes a ~2 Mbps test pattern once (lavfi testsrc + sine, libx264
# veryfast zerolatency, CBR, GOP 1 s, AAC) and pushes it to both servers at once (tee muxer),
# so both carry the identical stream and the encoder's CPU is the same during every step.
# For each N in VIEWERS, on each server in turn: N RTMP viewers (`ffmpeg -i rtmp://... -c copy
# -f null -`, no decoding), WARMUP s to settle, then a DURATION s window in which the server's
# CPU (utime+stime from /proc/<pid>/stat: the edge's JVM, nginx's master and worker) is sampled.
# Prints per server and N: server CPU in % of one core, CPU per viewer above the idle stream
# (publisher only, measured first), and what the viewers got: frames received / frames the
# stream produced while they were connected (25 fps x time), the lowest viewer and how many
# viewers are under 90% or exited early (dropped). Then start-up: the time from starting
# `ffmpeg -i rtmp://... -frames:v 1 -f null -` (default probing) to its exit,
# median of STARTS tries, per server. Glass-to-glass delay: bench/live-delay.sh.
#
#   bench/live.sh                          # VIEWERS="10 50", DURATION=15, WARMUP=5, STARTS=5
#   VIEWERS="10 50 100" DURATION=30 bench/live.sh
#
# Installs ffmpeg, nginx and libnginx-mod-rtmp with apt-get when missing. Uses free loopback
# ports (never the demo's), a private copy of cdn.jar, and kills exactly the PIDs it started.
viewers_list=${VIEWERS:-"10 50"}
duration=${DURATION:-15}
warmup=${WARMUP:-5}
starts=${STARTS:-5}
BENCH_NAME=live
source "$(dirname "${BASH_SOURCE[0]}")/live-common.sh"

viewer_pids=() # the viewers of the running step (the servers and the publisher are in pids)
cleanup_extra() {
  for p in "${viewer_pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${viewer_pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
}

# --- nginx-rtmp: one worker, live application (bench/live-common.sh) ---
live_nginx_conf 4096
start_nginx

# --- our edge, as a user runs it: ./cdn edge --config FILE with a live: section, static key ---
start_live_edge "  keys: {bench: $key}"
wait_until "nginx-rtmp" 30 port_open "$nginx_rtmp"

ours_url="rtmp://127.0.0.1:$edge_rtmp/live/bench"
nginx_url="rtmp://127.0.0.1:$nginx_rtmp/live/bench"

# --- one publisher, one encoding, both servers ---
ffmpeg -nostdin -hide_banner -loglevel warning -re \
  -f lavfi -i testsrc=size=1280x720:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 \
  "${x264_cbr[@]}" -flags +global_header -map 0:v -map 1:a \
  -f tee "[f=flv:onfail=ignore]$ours_url?key=$key|[f=flv:onfail=ignore]$nginx_url" \
  >"$work/publisher.log" 2>&1 &
publisher_pid=$!
pids+=($publisher_pid)

first_frame() { # url -> exits 0 once a player got a video frame
  # FFmpeg's default probing: with -probesize 32 it misses nginx-rtmp's video (audio comes first)
  timeout -k 2 10 ffmpeg -nostdin -hide_banner -loglevel error -i "$1" -frames:v 1 -f null - </dev/null
}
wait_until "the stream on our edge" 30 first_frame "$ours_url"
wait_until "the stream on nginx-rtmp" 30 first_frame "$nginx_url"
sleep 2 # let both servers run a few GOPs before measuring (a settle time, not a wait for a state)

now() { date +%s.%N; }

idle_cpu() { # pids... -> % of one core over DURATION with the publisher only
  local b a
  b=$(cpu_ticks "$@"); sleep "$duration"; a=$(cpu_ticks "$@")
  python3 -c "import sys; print(f'{(int(sys.argv[2])-int(sys.argv[1]))/int(sys.argv[3])/float(sys.argv[4])*100:.1f}')" "$b" "$a" "$hz" "$duration"
}

step() { # name url n pids... -> one result line
  local name=$1 url=$2 n=$3 i b a t0 t1 t_start t_end alive
  shift 3
  viewer_pids=()
  rm -f "$work"/viewer-*.log
  t_start=$(now)
  for ((i = 0; i < n; i++)); do
    ffmpeg -nostdin -hide_banner -loglevel info -stats -i "$url" -c copy -f null - \
      </dev/null >/dev/null 2>"$work/viewer-$i.log" &
    viewer_pids+=($!)
  done
  sleep "$warmup"
  t0=$(now); b=$(cpu_ticks "$@")
  sleep "$duration"
  a=$(cpu_ticks "$@"); t1=$(now)
  alive=0
  for p in "${viewer_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
  for p in "${viewer_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${viewer_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  t_end=$(now)
  viewer_pids=()
  python3 - "$work" "$n" "$name" "$b" "$a" "$hz" "$t0" "$t1" "$t_start" "$t_end" "$alive" <<'PY'
import re, sys
work, n, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
b, a, hz = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
t0, t1, ts, te = map(float, sys.argv[7:11])
alive = int(sys.argv[11])
cpu = (a - b) / hz / (t1 - t0) * 100
expected = 25 * (te - ts)  # frames the stream produced while the viewers were running
ratios = []
for i in range(n):
    t = open(f"{work}/viewer-{i}.log", errors="replace").read()
    frames = re.findall(r"frame=\s*(\d+)", t)
    ratios.append((int(frames[-1]) if frames else 0) / expected)
low = sum(1 for r in ratios if r < 0.9)
print(f"{name} {n} {cpu:.1f} {sum(ratios)/n:.3f} {min(ratios):.3f} {low} {n - alive}")
PY
}

startup() { # url -> median seconds of STARTS tries
  local i s e
  for ((i = 0; i < starts; i++)); do
    s=$(now); first_frame "$1" || { echo "start-up: no frame from $1" >&2; exit 1; }; e=$(now)
    python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$s" "$e"
    sleep 0.3
  done | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f\n", v[int((NR + 1) / 2)] }'
}

echo "publisher: ${bitrate}bps CBR 1280x720 25 fps, GOP 1 s, AAC 128k, to both servers; DURATION=${duration}s WARMUP=${warmup}s" >&2
echo "measuring the idle stream (publisher only)..." >&2
idle_ours=$(idle_cpu $edge_pid)
# shellcheck disable=SC2086
idle_nginx=$(idle_cpu $nginx_pids)
results=()
for n in $viewers_list; do
  echo "$n viewers on our edge..." >&2
  results+=("$(step ours "$ours_url" "$n" $edge_pid)")
  echo "$n viewers on nginx-rtmp..." >&2
  # shellcheck disable=SC2086
  results+=("$(step nginx "$nginx_url" "$n" $nginx_pids)")
done
echo "start-up times..." >&2
start_ours=$(startup "$ours_url")
start_nginx=$(startup "$nginx_url")
kill -0 "$publisher_pid" 2>/dev/null || { echo "the publisher died:" >&2; cat "$work/publisher.log" >&2; exit 1; }

python3 - "$idle_ours" "$idle_nginx" "$start_ours" "$start_nginx" "${results[@]}" <<'PY'
import sys
idle = {"ours": float(sys.argv[1]), "nginx": float(sys.argv[2])}
start = {"ours": float(sys.argv[3]), "nginx": float(sys.argv[4])}
rows = [l.split() for l in sys.argv[5:]]
print()
print(f"idle stream (publisher only), server CPU: ours {idle['ours']:.1f}% of a core, nginx-rtmp {idle['nginx']:.1f}%")
print()
print(f"{'server':<11}{'viewers':>8}{'CPU %core':>11}{'CPU/viewer':>12}{'frames/exp':>12}{'lowest':>8}{'<90%':>6}{'dropped':>9}")
per = {}
for name, n, cpu, mean, low, under, dropped in rows:
    n = int(n); cpu = float(cpu)
    pv = (cpu - idle[name]) / n
    per[(name, n)] = pv
    label = "ours" if name == "ours" else "nginx-rtmp"
    print(f"{label:<11}{n:>8}{cpu:>10.1f}%{pv:>11.2f}%{float(mean):>12.3f}{float(low):>8.3f}{under:>6}{dropped:>9}")
print()
for (name, n), pv in per.items():
    if name == "ours" and ("nginx", n) in per and per[("nginx", n)] > 0:
        print(f"CPU per viewer, ours/nginx-rtmp at {n} viewers: {pv / per[('nginx', n)]:.2f}")
print(f"start-up (ffmpeg with default probing until its first video frame, median of tries): ours {start['ours']:.3f} s, nginx-rtmp {start['nginx']:.3f} s")
PY
