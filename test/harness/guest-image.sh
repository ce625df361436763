#!/usr/bin/env bash
# Builds the guest test image: Debian bookworm minbase + git, curl, ca-certificates,
# via debootstrap + docker import (no image registry is reachable here). Cached by tag:
# bump the tag (here and in paths.mjs) whenever what goes in changes.
# It also holds ways back to root that only the bottle's walls (no-new-privs, no
# capabilities) close, so the escape suite's attempts are real: sudo that lets every user
# run anything without a password, root with an empty password (su), and a setuid-root
# copy of id (/usr/local/bin/setuid-id: prints euid=0 wherever setuid bits work).
set -euo pipefail
tag="${BB_GUEST_IMAGE:-bot-bottle-test-guest:bookworm-2}"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "harness: guest image $tag cached"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "harness: installing debootstrap (Debian) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq debootstrap >/dev/null
fi
# Use the Debian mirror this machine's apt already uses.
mirror=$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^\s*deb\s' /etc/apt/sources.list 2>/dev/null | grep -v security | awk '{print $2}' | head -n1 || true)
fi
if [ -z "$mirror" ]; then
  echo "harness: no Debian mirror found in /etc/apt sources; configure apt first" >&2
  exit 1
fi
root=$(mktemp -d /tmp/bot-bottle-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "harness: debootstrap bookworm into $root (about 30 s) ..."
debootstrap --variant=minbase --include=ca-certificates,git,curl,sudo bookworm "$root" "$mirror" >/tmp/bot-bottle-debootstrap.log 2>&1 \
  || { tail -20 /tmp/bot-bottle-debootstrap.log >&2; exit 1; }
echo 'ALL ALL=(ALL:ALL) NOPASSWD: ALL' > "$root"/etc/sudoers.d/everyone
chmod 0440 "$root"/etc/sudoers.d/everyone
chroot "$root" passwd -d root >/dev/null
install -o root -g root -m 4755 "$root"/usr/bin/id "$root"/usr/local/bin/setuid-id
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import - "$tag" >/dev/null
echo "harness: built $tag"
