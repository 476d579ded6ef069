#!/usr/bin/env bash
# Prints the notes of one version from a Keep a Changelog file: the lines under
# "## [X.Y.Z]" (with or without " - date") up to the next "## " heading or the link
# definitions at the end, without leading and trailing blank lines.
# Usage: scripts/release-notes.sh X.Y.Z [CHANGELOG.md]   (a leading v is accepted)
# Fails when the version has no section or its section is empty.
set -euo pipefail
version="${1:?usage: release-notes.sh X.Y.Z [CHANGELOG.md]}"
version="${version#v}"
file="${2:-$(dirname "$0")/../CHANGELOG.md}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "release-notes: '$version' is not a version X.Y.Z" >&2
  exit 2
fi
notes="$(awk -v v="$version" '
  BEGIN { head = "## [" v "]" }
  /^## / {
    if (found) exit
    if (index($0, head) == 1) { rest = substr($0, length(head) + 1); if (rest == "" || rest ~ /^ - /) found = 1 }
    next
  }
  found && /^\[[^]]+\]: / { exit }
  found { print }
' "$file" | sed -e '/./,$!d' | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}')"
if [ -z "$notes" ]; then
  echo "release-notes: no notes for $version in $file (a \"## [$version] - YYYY-MM-DD\" section)" >&2
  exit 1
fi
printf '%s\n' "$notes"
