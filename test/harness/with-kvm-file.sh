#!/usr/bin/env bash
# Runs "$@" (e.g. jest on a smolvm e2e test) where /dev/kvm exists, on a machine without KVM:
# in a private mount namespace whose /dev is a copy of the real one plus a plain `kvm` file.
# The smolvm backend's probe only checks that /dev/kvm exists and is readable and writable; the
# smolvm CLI double needs no KVM. Nothing outside this command's namespace changes (the shared
# /dev stays as it is). Needs root (unshare, mount).
set -euo pipefail
dev=$(mktemp -d /tmp/bb-dev-with-kvm.XXXXXX)
rc=0
unshare --mount --propagation private bash -c '
set -e
D=$1; shift
mount -t tmpfs -o mode=755 tmpfs "$D"
cp -a --one-file-system /dev/. "$D"/ 2>/dev/null || true
touch "$D/kvm"; chmod 666 "$D/kvm"
for m in pts shm mqueue; do if [ -d "/dev/$m" ] && mountpoint -q "/dev/$m"; then mount --rbind "/dev/$m" "$D/$m"; fi; done
mount --bind "$D" /dev
exec "$@"
' bash "$dev" "$@" || rc=$?
rmdir "$dev" 2>/dev/null || true
exit $rc
