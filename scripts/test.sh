#!/usr/bin/env bash
# The test command. With arguments: jest with them (a subset). Without: everything, in two
# phases. The second runs alone, one file at a time: the daemon-stop test stops dockerd, and
# a Git context's steps cannot be keyed on their secrets (src/isolation/), so any build
# beside one on the default builder fails it, as it must (the fail-closed look).
set -euo pipefail
cd "$(dirname "$0")/.."
jest=(node --experimental-vm-modules node_modules/jest/bin/jest.js)
if [ $# -gt 0 ]; then
  exec "${jest[@]}" "$@"
fi
"${jest[@]}" --testPathIgnorePatterns '/__tests__/daemon/|/git-context\.test\.ts$'
"${jest[@]}" --runInBand __tests__/daemon/ '__tests__/e2e/git-context\.test\.ts$'
