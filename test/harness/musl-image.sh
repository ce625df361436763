#!/usr/bin/env bash
# Builds a musl guest test image with no glibc at all: Debian's busybox-static (sh, uname,
# tar, ...) and Debian's musl loader, via docker import. Cached by tag.
set -euo pipefail
tag="${BB_MUSL_IMAGE:-bot-bottle-test-musl:1}"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "harness: musl image $tag cached"
  exit 0
fi
work=$(mktemp -d /tmp/bot-bottle-musl.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download musl busybox-static >/dev/null 2>&1) || {
  apt-get update -qq >/dev/null
  (cd "$work" && apt-get download musl busybox-static >/dev/null)
}
root="$work/rootfs"
mkdir -p "$root"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$root"; done
mkdir -p "$root"/{bin,lib,tmp,etc,home,proc,sys,dev} && chmod 1777 "$root/tmp"
# Debian's musl package ships the loader as /lib/ld-musl-x86_64.so.1 -> x86_64-linux-musl/libc.so.
for applet in $("$root/bin/busybox" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
tar -C "$root" -c . | docker import - "$tag" >/dev/null
docker run --rm "$tag" sh -c 'ls /lib/ld-musl-x86_64.so.1 && uname -m' >/dev/null
echo "harness: built $tag"
