#!/usr/bin/env bash
# Ensures the host tools the tests drive directly: git (the gate's double and clients),
# iproute2 (`ip netns` for the escape suite's decoys), openssl (throwaway test CAs), curl, lsof
# (what a smolvm guest could reach on the runner's loopback, as macOS runners show it).
# Installs Debian's packages for whichever is missing.
set -euo pipefail
missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v lsof >/dev/null 2>&1 || missing+=(lsof)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "harness: missing ${missing[*]}: install with 'sudo apt-get install ${missing[*]}'" >&2
  exit 1
fi
echo "harness: installing ${missing[*]} (Debian) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null
