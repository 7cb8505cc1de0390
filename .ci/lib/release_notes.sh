#!/usr/bin/env bash
# Usage: release_notes.sh <tag>. A release tag is a semantic version (vMAJOR.MINOR.PATCH, with an
# optional -prerelease), equal to the version the server reports (server/version.ts), and
# CHANGELOG.md has a section "## [MAJOR.MINOR.PATCH] - YYYY-MM-DD" for it. Prints that section
# (the release notes) on success; exits 1 naming what is missing otherwise. The release workflow
# runs it before anything is published (docs/publishing.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

tag="${1:-}"
semver='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'
if ! [[ "$tag" =~ $semver ]]; then
  echo "release_notes: tag '$tag' is not a semantic version vMAJOR.MINOR.PATCH" >&2
  exit 1
fi
version="${tag#v}"

server_version="$(sed -n 's/^export const VERSION = "\(.*\)";$/\1/p' server/version.ts)"
if [ "$server_version" != "$version" ]; then
  echo "release_notes: server/version.ts says '$server_version', the tag says '$version'" >&2
  exit 1
fi

# The section from its heading to the next "## [" heading.
notes="$(awk -v v="$version" '
  index($0, "## [" v "] - ") == 1 { found = 1; next }
  found && /^## \[/ { exit }
  found { print }
' CHANGELOG.md)"
if ! grep -Eq "^## \[${version//./\\.}\] - [0-9]{4}-[0-9]{2}-[0-9]{2}$" CHANGELOG.md; then
  echo "release_notes: CHANGELOG.md has no section '## [$version] - YYYY-MM-DD'" >&2
  exit 1
fi
if [ -z "$(printf '%s' "$notes" | tr -d '[:space:]')" ]; then
  echo "release_notes: the CHANGELOG.md section of $version is empty" >&2
  exit 1
fi
printf '%s\n' "$notes"
