#!/usr/bin/env bash
# Stops dockerd only if dockerd.sh started it.
set -uo pipefail
pidfile="${BB_DOCKERD_PIDFILE:-/tmp/bot-bottle-dockerd.pid}"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
rm -f "$pidfile"
if kill -0 "$pid" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || { echo "harness: dockerd stopped"; exit 0; }; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
fi
