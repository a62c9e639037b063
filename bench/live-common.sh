# Shared set-up of the live benchmarks (sourced, not run): live.sh, live-load.sh, live-delay.sh.
# Set BENCH_NAME before sourcing (the work dir's name, see edge-common.sh, which this sources).
# Sourcing it:
#   - installs ffmpeg, nginx and libnginx-mod-rtmp with apt-get when missing;
#   - picks the free loopback ports: edge_port (HTTP) and edge_rtmp of our edge, nginx_rtmp and
#     nginx_http of nginx-rtmp, dead_origin (the edge's origin, nothing listens there), and the
#     static stream key $key; bitrate is BITRATE (2M), x264_cbr the encoder options of the live.sh
#     and live-load.sh publishers (libx264 veryfast zerolatency, GOP 1 s, CBR, AAC 128k).
# Then the script uses the helpers below: start_live_edge (our edge as a user runs it, a live:
# section with static keys) and live_nginx_conf + start_nginx (nginx-rtmp, one worker).
rtmp_module=/usr/lib/nginx/modules/ngx_rtmp_module.so
source "$(dirname "${BASH_SOURCE[0]}")/edge-common.sh"
need ffmpeg ffmpeg
need nginx nginx
[ -f "$rtmp_module" ] || { echo "installing libnginx-mod-rtmp..." >&2; apt-get install -y libnginx-mod-rtmp >/dev/null; }

edge_port=$(free_port); edge_rtmp=$(free_port); nginx_rtmp=$(free_port); nginx_http=$(free_port)
dead_origin=$(free_port)
key="benchkey$RANDOM$RANDOM$RANDOM$RANDOM"
bitrate=${BITRATE:-2M}
# shellcheck disable=SC2034 # used by the scripts that source this
x264_cbr=(-c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p -g 25 -keyint_min 25
  -sc_threshold 0 -b:v "$bitrate" -minrate "$bitrate" -maxrate "$bitrate" -bufsize "$bitrate"
  -x264-params nal-hrd=cbr -c:a aac -b:a 128k)

port_open() { python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',int(sys.argv[1])),1).close()" "$1"; }

# start_live_edge LIVE_LINES -> sets edge_pid; our edge (./cdn edge --config FILE) with HTTP on
# edge_port, RTMP on edge_rtmp and static stream keys; LIVE_LINES are the rest of its live:
# section (indented by two spaces: keys, hls, gopCacheBytes). Returns once both ports answer.
start_live_edge() {
  cat >"$work/edge.yaml" <<YAML
id: bench
latitude: 50.11
longitude: 8.68
listen: 127.0.0.1:$edge_port
adminToken: $token
accessLog: {enabled: false}
distributions:
  - host: "*"
    origin: http://127.0.0.1:$dead_origin
live:
  rtmp: 127.0.0.1:$edge_rtmp
  streamKeys: static
$1
YAML
  "$java_bin" -jar "$jar" edge --config "$work/edge.yaml" >"$work/edge.log" 2>&1 &
  edge_pid=$!
  pids+=($edge_pid)
  wait_until "the edge's HTTP port" 60 curl -sf -o /dev/null "http://127.0.0.1:$edge_port/_cdn/health"
  wait_until "the edge's RTMP port" 30 port_open "$edge_rtmp"
}

# live_nginx_conf CONNECTIONS [hls] [RLIMIT_NOFILE] -> an nginx.conf in $work for nginx-rtmp: one
# worker (multi-worker live needs rtmp_auto_push, and players on the worker without the publisher
# got nothing), application live with `live on`; with hls, `hls on` (SEGMENT s fragments, 5 of them
# in the playlist) served by the same nginx on nginx_http under /hls/. start_nginx runs it.
live_nginx_conf() {
  local connections=$1 hls=${2:-} rlimit=${3:-}
  {
    echo "load_module $rtmp_module;"
    [ -z "$rlimit" ] || echo "worker_rlimit_nofile $rlimit;"
    nginx_head 1 "$connections"
    if [ -z "$hls" ]; then
      cat <<EOF
rtmp {
  server {
    listen 127.0.0.1:$nginx_rtmp;
    chunk_size 4096;
    application live { live on; record off; }
  }
}
EOF
    else
      mkdir -p "$work/hls"
      cat <<EOF
rtmp {
  server {
    listen 127.0.0.1:$nginx_rtmp;
    chunk_size 4096;
    application live {
      live on; record off;
      hls on; hls_path $work/hls; hls_fragment ${segment}s; hls_playlist_length $((segment * 5))s;
    }
  }
}
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_http;
    location /hls/ {
      alias $work/hls/;
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
      add_header Cache-Control no-cache;
    }
  }
}
EOF
    fi
  } >"$work/nginx.conf"
}
