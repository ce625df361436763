#!/usr/bin/env bash
# One short block saying which real parts this machine has, so a reader of a CI log knows
# what ran for real and what was doubled. Informational: it never fails.
set -uo pipefail
docker_version=$(timeout 20 docker version --format '{{.Server.Version}}' 2>/dev/null) || docker_version=''
if [ -e /dev/kvm ]; then
  kvm="yes ($(stat -c '%A' /dev/kvm))"
else
  kvm='no'
fi
chromium_version=$(timeout 20 chromium --version 2>/dev/null | head -1) || chromium_version=''
echo "real parts on this machine:"
echo "  docker engine: ${docker_version:-none (the e2e tests will fail)}"
echo "  /dev/kvm: $kvm (no test boots a VM: smolvm is a CLI double, and its tests make a KVM device node of their own)"
echo "  chromium: ${chromium_version:-none (the HTML report browser test will fail)}"
# The suite needs room: docker's images and containers, and each e2e file's scratch dir (~0.5 GB,
# removed after the file); a nearly full disk fails tests far from the cause.
free_gb=$(df -P -BG "$(pwd)" 2>/dev/null | awk 'NR==2 {sub("G","",$4); print $4}')
cores=$(nproc 2>/dev/null)
echo "  cores: ${cores:-?}, free disk here: ${free_gb:-?} GB$([ -n "$free_gb" ] && [ "$free_gb" -lt 5 ] && echo ' (under 5 GB: e2e tests may fail for want of room)')"
