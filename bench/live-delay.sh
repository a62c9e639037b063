#!/usr/bin/env bash
# Glass-to-glass delay of live streams (issue 22), RTMP and HLS, our edge side by side with
# nginx-rtmp (Debian libnginx-mod-rtmp, one worker, `live on`, `hls on` served by the same nginx).
# Encoder, servers and decoders are all in it; bench/live-load.sh measures the delay through the
# server alone.
#
# Per ENCODER, MODE and round (ROUNDS of each), bench/livedelay.py runs:
#   - one ffmpeg publisher: testsrc2 SIZE (1280x720) 25 fps + sine at real-time pace (-re), every frame
#     logged as it enters the filter graph (showinfo, before the encoder), libx264 (ENCODER
#     `zerolatency`: veryfast + -tune zerolatency, no B-frames, no look-ahead; `default`: libx264's
#     default preset and tuning, B-frames and a 40-frame look-ahead, to show the encoder's own
#     buffering), GOP 1 s, BITRATE, AAC, -output_ts_offset 1 (timestamps on the wire = 1000 ms +
#     40 ms x frame), pushed as FLV to both servers at once (tee muxer, a fresh stream name);
#   - after SETTLE s (both servers' playlists are full), four ffmpeg players at once, each decoding
#     the video and logging every decoded frame (showinfo): RTMP and HLS on ours, RTMP and HLS on
#     nginx-rtmp, all with -copyts. MODE `arrival`: the player decodes as fast as data comes (the
#     earliest any player could show a frame); MODE `paced`: with -re, the player plays at the
#     stream's pace from where the server started it (a player's playback: RTMP from the GOP our
#     edge sends first or from the live point nginx-rtmp sends; HLS from 3 segments before the end
#     of the playlist, FFmpeg's and hls.js's default), so start-up lag stays in its delay; MODE
#     `lowlat`: paced RTMP players only, with FFmpeg's low-delay input settings (-fflags nobuffer
#     -probesize 32 -analyzeduration 0), so what stays is where the server started the player
#     (our GOP cache: up to a GOP back; GOP_CACHE=0 turns it off on our edge to compare).
#   - delay per frame = player's read of its log line - capture time of that frame (the
#     publisher's first frame + pts), both on the harness's clock; frames matched by timestamp
#     (HLS: our MPEG-TS timestamps are the stream's + 1 s, nginx-rtmp's + 0.7 s). Only frames
#     decoded after WARMUP s count, for WINDOW s.
# Prints per ENCODER/MODE/server/protocol the median over the rounds of p50 / p95 / max delay, the
# HLS delay in segments (SEGMENT s), frames measured, and the load average during the rounds.
#
#   bench/live-delay.sh                       # ENCODERS="zerolatency default" MODES="arrival paced" ROUNDS=3
#   ROUNDS=1 MODES=arrival bench/live-delay.sh
#   ENCODERS=zerolatency MODES=lowlat bench/live-delay.sh; GOP_CACHE=0 ENCODERS=zerolatency MODES=lowlat bench/live-delay.sh
#
# Installs ffmpeg, nginx and libnginx-mod-rtmp with apt-get when missing. Uses free loopback
# ports, a private copy of cdn.jar (bench/edge-common.sh), and kills exactly the PIDs it started.
encoders=${ENCODERS:-"zerolatency default"}
modes=${MODES:-"arrival paced"}
rounds=${ROUNDS:-3}
settle=${SETTLE:-12}
warmup=${WARMUP:-8}
window=${WINDOW:-20}
size=${SIZE:-1280x720}
gop_cache=${GOP_CACHE:-16777216}
segment=${SEGMENT:-2}
BENCH_NAME=live-delay
source "$(dirname "${BASH_SOURCE[0]}")/live-common.sh"
n_sessions=0
for e in $encoders; do for m in $modes; do n_sessions=$((n_sessions + rounds)); done; done

# --- nginx-rtmp: one worker, HLS served by its http (bench/live-common.sh, as bench/live-load.sh) ---
live_nginx_conf 1024 hls
start_nginx

# --- our edge: a static key for each stream name d1..dN (one fresh stream per round) ---
live_keys="  gopCacheBytes: $gop_cache
  hls:
    segmentMillis: $((segment * 1000))
  keys:"
for ((i = 1; i <= n_sessions; i++)); do live_keys+=$'\n'"    d$i: $key"; done
start_live_edge "$live_keys"
wait_until "nginx-rtmp" 30 port_open "$nginx_rtmp"

encoder_args() {
  case $1 in
    zerolatency) echo "-preset veryfast -tune zerolatency" ;;
    default) echo "" ;;
    *) echo "unknown ENCODER $1 (zerolatency|default)" >&2; exit 2 ;;
  esac
}

session=0
for enc in $encoders; do
  for mode in $modes; do
    for ((r = 1; r <= rounds; r++)); do
      session=$((session + 1))
      s=d$session
      echo "$enc encoder, $mode players, round $r/$rounds (stream $s): ${settle}s settle, ${warmup}s warm-up, ${window}s measured..." >&2
      python3 - "$work/spec-$s.json" "$enc" "$(encoder_args "$enc")" "$mode" "$s" "$key" "$bitrate" \
        "$edge_rtmp" "$edge_port" "$nginx_rtmp" "$nginx_http" "$settle" "$warmup" "$window" "$size" <<'PY'
import json, sys
path, enc, enc_args, mode, s, key, rate, e_rtmp, e_http, n_rtmp, n_http, settle, warmup, window, size = sys.argv[1:]
publisher = (["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info",
              "-re", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
              "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
              "-map", "0:v", "-map", "1:a", "-vf", "showinfo=checksum=0",
              "-c:v", "libx264"] + enc_args.split() +
             ["-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
              "-b:v", rate, "-maxrate", rate, "-bufsize", rate,
              "-c:a", "aac", "-b:a", "128k", "-flags", "+global_header", "-output_ts_offset", "1",
              "-f", "tee", f"[f=flv:onfail=ignore]rtmp://127.0.0.1:{e_rtmp}/live/{s}?key={key}"
                           f"|[f=flv:onfail=ignore]rtmp://127.0.0.1:{n_rtmp}/live/{s}"])
paced = mode in ("paced", "lowlat")
# lowlat: FFmpeg's low-delay player settings (no probing buffer), RTMP only
flags = ["-fflags", "nobuffer", "-probesize", "32", "-analyzeduration", "0"] if mode == "lowlat" else []
players = [
    {"label": f"{enc} {mode} ours rtmp", "url": f"rtmp://127.0.0.1:{e_rtmp}/live/{s}", "offset_ms": 0, "paced": paced, "input_args": flags},
    {"label": f"{enc} {mode} nginx rtmp", "url": f"rtmp://127.0.0.1:{n_rtmp}/live/{s}", "offset_ms": 0, "paced": paced, "input_args": flags},
]
if mode != "lowlat":
    players += [
        {"label": f"{enc} {mode} ours hls", "url": f"http://127.0.0.1:{e_http}/live/{s}/index.m3u8", "offset_ms": 1000, "paced": paced},
        {"label": f"{enc} {mode} nginx hls", "url": f"http://127.0.0.1:{n_http}/hls/{s}.m3u8", "offset_ms": 700, "paced": paced},
    ]
json.dump({"publisher": publisher, "players": players, "settle": float(settle), "warmup": float(warmup),
           "window": float(window), "pub_offset_ms": 1000, "ready_timeout": 30}, open(path, "w"))
PY
      python3 bench/livedelay.py "$work/spec-$s.json" | tee -a "$work/results.txt" | sed 's/^/  /' >&2
    done
  done
done

python3 bench/livedelay.py --summary "$work/results.txt" "$segment"
