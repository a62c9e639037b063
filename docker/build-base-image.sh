#!/usr/bin/env bash
# Builds a local Java 17 runtime image with debootstrap, for machines that cannot pull images.
# Usage: docker/build-base-image.sh [IMAGE_NAME]   (default: opencdn/jre17-local)
# Users who can pull need none of this: the Dockerfiles default to a public JRE 17 image.
set -euo pipefail
name=${1:-opencdn/jre17-local}
if docker image inspect "$name" >/dev/null 2>&1; then
  echo "base image $name already present"
  exit 0
fi
mirror=${DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}';
              grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'; } \
            | grep -E '/debian/?$' | head -n 1 || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "debootstrap bookworm from $mirror into $dir"
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$dir" "$mirror" >/dev/null
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | docker import -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' - "$name" >/dev/null
echo "built $name"
