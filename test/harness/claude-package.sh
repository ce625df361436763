#!/usr/bin/env bash
# Fetches the real @anthropic-ai/claude-code-linux-x64 and -linux-x64-musl tarballs of the
# action's default claude-version once (npm pack, from the npm registry npm is configured
# with) and their dist metadata, into a machine-wide cache that survives fresh clones.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n "s/^export const DEFAULT_CLAUDE_VERSION = '\([^']*\)'.*/\1/p" "$here/../../src/config/fields.ts")
[ -n "$version" ] || { echo "harness: cannot read DEFAULT_CLAUDE_VERSION" >&2; exit 1; }
dir="${BB_CLAUDE_PKG_DIR:-/var/cache/bot-bottle-test}"
mkdir -p "$dir"
for platform in linux-x64 linux-x64-musl; do
  name="@anthropic-ai/claude-code-$platform"
  tgz="$dir/anthropic-ai-claude-code-$platform-$version.tgz"
  meta="$dir/claude-code-$platform-$version.json"
  if [ -s "$tgz" ] && [ -s "$meta" ]; then
    echo "harness: claude package $platform $version cached"
    continue
  fi
  echo "harness: fetching $name@$version (about 190 MB) ..."
  (cd "$dir" && npm pack "$name@$version" --silent >/dev/null)
  npm view "$name@$version" dist --json >"$meta.tmp"
  mv "$meta.tmp" "$meta"
  echo "harness: cached $tgz"
done
