#!/usr/bin/env bash
# One-command setup on a fresh Debian machine: Node dependencies, then (as root) a real
# Docker engine with buildx and the local base image the tests build from.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
if [ "$(id -u)" = 0 ]; then
  bash scripts/setup-docker.sh
else
  sudo bash scripts/setup-docker.sh
fi
