#!/usr/bin/env bash
# Installs and starts a real Docker engine with the buildx plugin on a fresh Debian
# bookworm machine (as root), and builds a local busybox base image, since no registry
# is reachable. Idempotent: each step is skipped when already done.
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-secret-build-base:latest}"
PLUGIN_DIR=/usr/libexec/docker/cli-plugins
LOG=/var/log/secret-build-dockerd.log

log() { printf '[setup-docker] %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    log "run as root (it installs Debian packages and starts dockerd)"; exit 1
  fi
}

# Installs only what is missing, so a machine with Docker already (a GitHub runner) keeps its own.
install_engine() {
  local pkgs=()
  command -v dockerd >/dev/null || pkgs+=(docker.io ca-certificates)
  command -v busybox >/dev/null || pkgs+=(busybox-static)
  [ ${#pkgs[@]} -eq 0 ] && return
  log "installing ${pkgs[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

# buildx is not packaged for bookworm; trixie's .deb is a static Go binary that runs here.
install_buildx() {
  if [ -x "$PLUGIN_DIR/docker-buildx" ]; then return; fi
  log "fetching docker-buildx from Debian trixie"
  local t; t=$(mktemp -d)
  echo "deb http://deb.debian.org/debian trixie main" > "$t/sources.list"
  mkdir -p "$t/lists/partial"
  local o=(-o "Dir::Etc::SourceList=$t/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$t/lists")
  apt-get "${o[@]}" update -qq
  (cd "$t" && apt-get "${o[@]}" download docker-buildx >/dev/null && dpkg -x docker-buildx_*.deb x)
  mkdir -p "$PLUGIN_DIR"
  install -m 0755 "$t/x/usr/libexec/docker/cli-plugins/docker-buildx" "$PLUGIN_DIR/docker-buildx"
  rm -rf "$t"
}

start_daemon() {
  if docker info >/dev/null 2>&1; then return; fi
  log "starting dockerd (log: $LOG)"
  setsid dockerd --host unix:///var/run/docker.sock >"$LOG" 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && return
    sleep 0.5
  done
  log "dockerd did not answer within 60 s; last log lines:"; tail -n 30 "$LOG" >&2; exit 1
}

build_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return; fi
  log "building base image $BASE_IMAGE from busybox-static"
  local r; r=$(mktemp -d)
  mkdir -p "$r/bin" "$r/tmp" "$r/etc" "$r/root"
  cp "$(command -v busybox)" "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do
    [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$r/etc/passwd"
  tar -C "$r" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$r"
}

if [ "${1:-}" = "--base-image-only" ]; then
  build_base_image
  exit 0
fi
need_root
install_engine
install_buildx
start_daemon
build_base_image
log "ready: $(docker version --format 'engine {{.Server.Version}}') $(docker buildx version | head -n1)"
