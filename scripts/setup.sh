#!/usr/bin/env bash
# One-command setup on a fresh Debian machine: Node dependencies, then (as root) a real
# Docker engine with buildx and the local base images the tests build from, QEMU for a second
# platform (linux/arm64), and a BuildKit built from Debian's sources, run as a remote builder
# (one node, and two nodes split by platform) and in a docker-container builder.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
if [ "$(id -u)" = 0 ]; then
  bash scripts/setup-docker.sh && bash scripts/setup-qemu.sh && bash scripts/setup-buildkit.sh && bash scripts/buildkitd.sh start && bash scripts/buildkit-container.sh start
else
  sudo bash scripts/setup-docker.sh && sudo bash scripts/setup-qemu.sh && sudo bash scripts/setup-buildkit.sh && sudo bash scripts/buildkitd.sh start && sudo bash scripts/buildkit-container.sh start
fi
