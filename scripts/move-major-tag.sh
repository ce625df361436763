#!/usr/bin/env bash
# Points the major tag (v1) at a release tag (v1.2.3) and pushes it, so `uses: owner/bot-bottle@v1`
# gets the release. Pre-release tags (v1.2.3-rc.1) and anything not vMAJOR.MINOR.PATCH move nothing.
# Modelled on astral-sh/setup-uv's update-major-minor-tags.yml (git tag -fa + push --force).
# Usage: move-major-tag.sh <tag> [remote]   (run from the repository, with push access to remote)
set -euo pipefail
tag="${1:?usage: move-major-tag.sh <tag> [remote]}"
remote="${2:-origin}"
if ! [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "::notice::$tag is not a vMAJOR.MINOR.PATCH release: the major tag stays where it is"
  exit 0
fi
major="${tag%%.*}"
commit="$(git rev-parse --verify "refs/tags/$tag^{commit}")"
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  tag --force --annotate "$major" --message "Release $tag" "$commit"
git push --force "$remote" "refs/tags/$major"
echo "$major -> $tag ($commit)"
