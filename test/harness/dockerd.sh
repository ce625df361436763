#!/usr/bin/env bash
# Ensures a Docker engine answers. Installs Debian's docker.io when dockerd is missing,
# starts dockerd in the background when none answers, and records that it did so in
# $BB_DOCKERD_PIDFILE so stop-dockerd.sh stops only what this script started.
set -euo pipefail
pidfile="${BB_DOCKERD_PIDFILE:-/tmp/bot-bottle-dockerd.pid}"

if docker info >/dev/null 2>&1; then
  echo "harness: docker engine already running"
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "harness: installing docker.io (Debian) ..."
  if [ "$(id -u)" != 0 ]; then
    echo "harness: dockerd is missing and this is not root: install it with 'sudo apt-get install docker.io'" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io >/dev/null
fi
if ! command -v docker >/dev/null 2>&1; then
  echo "harness: no docker CLI after install: install docker.io" >&2
  exit 1
fi
echo "harness: starting dockerd in the background"
nohup dockerd >/tmp/bot-bottle-dockerd.log 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "harness: dockerd is up (pid $(cat "$pidfile"))"
    exit 0
  fi
  sleep 0.5
done
echo "harness: dockerd did not answer within 30 s; see /tmp/bot-bottle-dockerd.log" >&2
tail -20 /tmp/bot-bottle-dockerd.log >&2 || true
exit 1
