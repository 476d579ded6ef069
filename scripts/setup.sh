#!/usr/bin/env bash
# One-command setup on a fresh Debian machine: Node dependencies, then (as root) a real
# Docker engine with buildx and the local base images the tests build from, and QEMU for a
# second platform (linux/arm64).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
if [ "$(id -u)" = 0 ]; then
  bash scripts/setup-docker.sh && bash scripts/setup-qemu.sh
else
  sudo bash scripts/setup-docker.sh && sudo bash scripts/setup-qemu.sh
fi
