#!/usr/bin/env bash
# The test command. With arguments: jest with them (a subset). Without: everything, in two
# phases, because the daemon-stop test stops dockerd and must not overlap other e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."
jest=(node --experimental-vm-modules node_modules/jest/bin/jest.js)
if [ $# -gt 0 ]; then
  exec "${jest[@]}" "$@"
fi
"${jest[@]}" --testPathIgnorePatterns /__tests__/daemon/
"${jest[@]}" __tests__/daemon
