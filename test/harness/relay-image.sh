#!/usr/bin/env bash
# Builds the relay test image: the guest test image plus this machine's node binary
# (no image registry here, so no node:24-alpine). Cached by tag.
set -euo pipefail
tag="${BB_RELAY_IMAGE:-bot-bottle-test-relay:1}"
base="${BB_GUEST_IMAGE:-bot-bottle-test-guest:bookworm-2}"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "harness: relay image $tag cached"
  exit 0
fi
ctx=$(mktemp -d /tmp/bot-bottle-relay.XXXXXX)
trap 'rm -rf "$ctx"' EXIT
cp "$(readlink -f "$(command -v node)")" "$ctx/node"
printf 'FROM %s\nCOPY node /usr/local/bin/node\n' "$base" >"$ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$ctx" >/dev/null 2>&1
docker run --rm "$tag" node -e 'process.exit(0)' || { echo "harness: node does not run in $tag" >&2; exit 1; }
echo "harness: built $tag"
