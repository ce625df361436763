#!/usr/bin/env bash
# Ensures the host tools the tests drive directly: git (the gate's double and clients),
# iproute2 (`ip netns` for the escape suite's decoys), openssl (throwaway test CAs), curl, lsof
# (what a smolvm guest could reach on the runner's loopback, as macOS runners show it),
# docker-registry (the real OCI registry of oci-registry.mjs; its package would start a service
# on :5000, which a policy-rc.d refusing every start prevents for the install).
# Installs Debian's packages for whichever is missing.
set -euo pipefail
missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v lsof >/dev/null 2>&1 || missing+=(lsof)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "harness: missing ${missing[*]}: install with 'sudo apt-get install ${missing[*]}'" >&2
  exit 1
fi
echo "harness: installing ${missing[*]} (Debian) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  # invoke-rc.d and deb-systemd-invoke ask it; 101 = "action forbidden": no service starts
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -qq "${missing[@]}" >/dev/null
if [[ " ${missing[*]} " == *" docker-registry "* ]]; then
  # nothing of the package's own service may be left running (a policy-rc.d that allowed it)
  if [ -d /run/systemd/system ]; then
    systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
  fi
  /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  update-rc.d docker-registry disable >/dev/null 2>&1 || true
fi
