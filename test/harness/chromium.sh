#!/usr/bin/env bash
# Ensures Debian's chromium is installed (for the report's browser test).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "harness: chromium present"
  exit 0
fi
echo "harness: installing chromium (Debian) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
echo "harness: chromium installed"
