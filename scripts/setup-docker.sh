#!/usr/bin/env bash
# Installs and starts a real Docker engine (Docker 28 with the containerd image store, as the
# tests need) with the buildx plugin on a fresh Debian bookworm machine (as root), builds a local
# busybox base image and starts a local registry, since no image registry is reachable.
# Idempotent: each step is skipped when already done.
#
#   bash scripts/setup-docker.sh                   everything (needs root)
#   bash scripts/setup-docker.sh --base-image-only only the base image, on a running engine
#
# Layout: Debian sid's docker.io, containerd, docker-cli and docker-buildx and the system's
# docker-registry are extracted (not installed) into $ENGINE_PREFIX/root (package versions in
# $ENGINE_PREFIX/.engine-ok and .registry-ok); dockerd runs from there with its log in
# /var/log/secret-build-dockerd.log and its pid in /var/run/secret-build-dockerd.pid. The
# registries are scripts/registry.sh's (127.0.0.1:5000, and :5001 with a login); a second
# engine on the classic image store is scripts/classic-engine.sh's.
#
# A daemon that already answers on /var/run/docker.sock is kept when it is Docker 28 with the
# containerd image store. One this script started that is not (an older engine) is stopped and
# replaced. One started by someone else is left alone and the script stops with an explanation,
# except on a GitHub-hosted runner (a throwaway VM), where the containerd image store is switched
# on in /etc/docker/daemon.json and docker restarted; SECRET_BUILD_RECONFIGURE_DOCKER=1 asks for
# that elsewhere.
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-secret-build-base:latest}"
SSH_IMAGE="${SSH_IMAGE:-secret-build-ssh:latest}"
ENGINE_PREFIX="${ENGINE_PREFIX:-/opt/secret-build-engine}"
ROOT="$ENGINE_PREFIX/root"
# The major version the test suite is written against (GitHub's runners have Docker 28).
DOCKER_MAJOR="${SECRET_BUILD_DOCKER_MAJOR:-28}"
PLUGIN_DIR=/usr/libexec/docker/cli-plugins
LOG=/var/log/secret-build-dockerd.log
PIDFILE=/var/run/secret-build-dockerd.pid
SOCKET=/var/run/docker.sock
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

log() { printf '[setup-docker] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    die "run as root (it installs Debian packages and starts dockerd)"
  fi
}


# A busybox that runs inside an empty rootfs must be statically linked.
static_busybox() {
  local b l
  b=$(command -v busybox 2>/dev/null) || return 1
  l=$(LC_ALL=C ldd "$b" 2>&1 || true)
  case "$l" in
    *"not a dynamic executable"* | *"statically linked"*) printf '%s\n' "$b" ;;
    *) return 1 ;;
  esac
}

# "28.5.2 [[driver-type io.containerd.snapshotter.v1]]" when a daemon answers.
daemon_facts() {
  docker info --format '{{.ServerVersion}} {{.DriverStatus}}' 2>/dev/null
}

# The tests need Docker $DOCKER_MAJOR with the containerd image store (OCI export, cache export
# and several exporters with the default docker driver).
daemon_suitable() {
  local f; f=$(daemon_facts) || return 1
  case "$f" in
    "$DOCKER_MAJOR".*io.containerd.snapshotter.v1*) return 0 ;;
    *) return 1 ;;
  esac
}

# Up to 60 s for a daemon to answer; gives up early when the dockerd we started ($1) has exited.
wait_for_daemon() {
  for _ in $(seq 1 120); do
    daemon_facts >/dev/null && return 0
    if [ -n "${1:-}" ] && ! alive "$1"; then return 1; fi
    sleep 0.5
  done
  return 1
}

# A dockerd this script started (this version or an older one): its stdout is our log file.
our_dockerd_pid() {
  local f p
  for f in "$PIDFILE" /var/run/docker.pid; do
    [ -r "$f" ] || continue
    p=$(cat "$f")
    if [ -n "$p" ] && [ -d "/proc/$p" ] && [ "$(readlink "/proc/$p/fd/1" 2>/dev/null)" = "$LOG" ]; then
      printf '%s\n' "$p"; return 0
    fi
  done
  return 1
}

# A GitHub-hosted runner is a throwaway VM: its image writes ImageOS= into /etc/environment
# (sudo drops RUNNER_ENVIRONMENT, so that variable alone is not enough).
may_reconfigure_foreign_daemon() {
  [ "${SECRET_BUILD_RECONFIGURE_DOCKER:-}" = 1 ] && return 0
  [ "${RUNNER_ENVIRONMENT:-}" = github-hosted ] && return 0
  grep -qs '^ImageOS=' /etc/environment
}

# A systemd-managed Docker (a runner's) gets the containerd image store the way Docker documents
# it: "features": {"containerd-snapshotter": true} in /etc/docker/daemon.json, then a restart.
enable_containerd_store() {
  command -v systemctl >/dev/null && systemctl is-active --quiet docker 2>/dev/null || return 1
  command -v python3 >/dev/null || return 1
  log "enabling the containerd image store in /etc/docker/daemon.json and restarting docker"
  mkdir -p /etc/docker
  python3 - /etc/docker/daemon.json <<'EOF'
import json, os, sys
p = sys.argv[1]
c = json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else {}
c.setdefault("features", {})["containerd-snapshotter"] = True
open(p, "w").write(json.dumps(c, indent=2) + "\n")
EOF
  systemctl restart docker
  wait_for_daemon && daemon_suitable
}

# Stops a daemon this script started earlier that is not the engine the tests need (e.g. the
# bookworm 20.10 engine an older setup-docker.sh started). A daemon started by anyone else is
# not stopped, since whoever started it may rely on it (see the header for runners).
replace_unsuitable_daemon() {
  local f p
  f=$(daemon_facts) || return 0
  daemon_suitable && return 0
  if ! p=$(our_dockerd_pid); then
    if may_reconfigure_foreign_daemon && enable_containerd_store; then return 0; fi
    die "a Docker daemon not started by this script answers on $SOCKET ($f), but the tests need Docker $DOCKER_MAJOR.x with the containerd image store (driver-type io.containerd.snapshotter.v1). Either stop it (e.g. systemctl stop docker.socket docker) and rerun, so that this script starts its own, or enable the store in it: \"features\": {\"containerd-snapshotter\": true} in /etc/docker/daemon.json and restart it (SECRET_BUILD_RECONFIGURE_DOCKER=1 lets this script do that for a systemd-managed docker)"
  fi
  log "stopping dockerd $p started earlier by this script ($f)"
  kill "$p"
  for _ in $(seq 1 60); do
    [ -d "/proc/$p" ] || break
    sleep 0.5
  done
  [ -d "/proc/$p" ] && die "dockerd $p did not stop within 30 s"
  return 0
}

# Installs the missing ones of the given bookworm packages (nothing to do on a second run).
install_packages() {
  [ $# -eq 0 ] && return
  log "installing $* from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# What our own engine needs at run time from bookworm: runc for containers, iptables for its
# networking, tini-static as docker-init (docker run --init). The shared libraries dockerd links
# (libsystemd0, libcap2, libgcrypt20, ...) are in every bookworm base system.
engine_packages() {
  command -v runc >/dev/null || echo runc
  command -v iptables >/dev/null || echo iptables
  [ -x /usr/bin/tini-static ] || echo tini
}

# What the base image and the rest need, whichever engine runs.
base_packages() {
  [ -e /etc/ssl/certs/ca-certificates.crt ] || echo ca-certificates
  static_busybox >/dev/null || echo busybox-static
  command -v ssh-add >/dev/null || echo openssh-client
  # The leak guard pushes the scanned OCI export with skopeo (GitHub's ubuntu runners have it too).
  command -v skopeo >/dev/null || echo skopeo
  # The BuildKit build reads xz tarballs; its remote builder's mTLS certificates come from openssl.
  command -v xz >/dev/null || echo xz-utils
  command -v openssl >/dev/null || echo openssl
  # npm run lint checks scripts/ with it.
  command -v shellcheck >/dev/null || echo shellcheck
}

# Docker 28 + containerd 2.1 + buildx 0.29 are only in Debian sid; their binaries need glibc 2.34
# and run on bookworm. A temporary sources list fetches them without touching the system's apt
# config; they are extracted, not installed, so no service, user or dependency comes with them.
fetch_sid_engine() {
  if [ -e "$ENGINE_PREFIX/.engine-ok" ] && [ -x "$ROOT/usr/sbin/dockerd" ]; then return; fi
  log "fetching docker.io, containerd, docker-cli and docker-buildx from Debian sid"
  local t o
  t=$(mktemp -d)
  echo "deb $(debian_mirror) sid main" > "$t/sources.list"
  mkdir -p "$t/lists/partial"
  o=(-o "Dir::Etc::SourceList=$t/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o "Dir::State::Lists=$t/lists" -o APT::Sandbox::User=root)
  apt-get "${o[@]}" update -qq
  (cd "$t" && apt-get "${o[@]}" download -qq docker.io containerd docker-cli docker-buildx >/dev/null)
  local v
  v=$(dpkg-deb -f "$t"/docker.io_*.deb Version)
  case "$v" in
    "$DOCKER_MAJOR".*) ;;
    *) rm -rf "$t"; die "Debian sid now has docker.io $v, not $DOCKER_MAJOR.x (set SECRET_BUILD_DOCKER_MAJOR to accept it)" ;;
  esac
  mkdir -p "$ROOT"
  local d
  for d in "$t"/*.deb; do
    dpkg -x "$d" "$ROOT"
    dpkg-deb -W --showformat='${Package} ${Version}\n' "$d"
  done > "$t/versions"
  # Written last: an interrupted extraction is redone on the next run.
  mv "$t/versions" "$ENGINE_PREFIX/.engine-ok"
  rm -rf "$t"
}

# sid's docker.io ships docker-init as a link to tini-static next to it; point that at bookworm's.
link_init() {
  [ -e "$ROOT/usr/bin/tini-static" ] || ln -sf /usr/bin/tini-static "$ROOT/usr/bin/tini-static"
}

# A machine without a docker CLI gets sid's; an existing one (28.x here) talks to this engine too.
install_cli() {
  if command -v docker >/dev/null; then return; fi
  log "linking the docker CLI into /usr/local/bin"
  ln -sf "$ROOT/usr/bin/docker" /usr/local/bin/docker
}

# The docker CLI looks for plugins here; an older buildx (e.g. trixie's 0.13 from an earlier
# version of this script) lacks what the tests use, so it is replaced unless it is at least ours.
install_buildx() {
  local ours="$ROOT/usr/libexec/docker/cli-plugins/docker-buildx" have want
  if cmp -s "$ours" "$PLUGIN_DIR/docker-buildx"; then return; fi
  want=$("$ours" version | awk '{print $2}' | sed 's/^v//')
  if [ -x "$PLUGIN_DIR/docker-buildx" ]; then
    have=$("$PLUGIN_DIR/docker-buildx" version 2>/dev/null | awk '{print $2}' | sed 's/^v//')
    if [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n1)" = "$want" ]; then return; fi
  fi
  log "installing buildx $want into $PLUGIN_DIR"
  mkdir -p "$PLUGIN_DIR"
  install -m 0755 "$ours" "$PLUGIN_DIR/docker-buildx"
}

# A dockerd killed a moment ago (the daemon-stop test does that) can still hold our pid file while
# it exits, and a new one refuses to start until it is gone; a zombie is gone already.
wait_previous_dockerd_gone() {
  local p
  p=$(cat "$PIDFILE" 2>/dev/null) || return 0
  [ -n "$p" ] || return 0
  for _ in $(seq 1 60); do
    alive "$p" && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = dockerd ] || { rm -f "$PIDFILE"; return 0; }
    sleep 0.5
  done
  die "dockerd $p (pid file $PIDFILE) neither answers on $SOCKET nor exits"
}

# sid's containerd must come first on PATH (dockerd starts it and it starts the shim); runc is
# bookworm's. setsid detaches dockerd from this shell so it outlives the script.
start_daemon() {
  if daemon_suitable; then return; fi
  if [ -S /run/containerd/containerd.sock ]; then
    log "warning: a system containerd listens on /run/containerd/containerd.sock; dockerd will use it instead of sid's"
  fi
  local p=""
  if p=$(our_dockerd_pid); then
    log "dockerd $p started earlier by this script is not answering yet; waiting for it"
  else
    wait_previous_dockerd_gone
    log "starting dockerd $(awk '$1 == "docker.io" {print $2}' "$ENGINE_PREFIX/.engine-ok") (log: $LOG)"
    # From /: dockerd runs git (Git contexts) in its working directory, which must outlive the caller's.
    (cd / && PATH="$ROOT/usr/bin:$ROOT/usr/sbin:$PATH" exec setsid "$ROOT/usr/sbin/dockerd" \
      --host "unix://$SOCKET" --pidfile "$PIDFILE" \
      --feature containerd-snapshotter=true >"$LOG" 2>&1 < /dev/null) &
    p=$!
  fi
  if ! wait_for_daemon "$p"; then
    log "dockerd did not come up; last log lines:"; tail -n 30 "$LOG" >&2; exit 1
  fi
  daemon_suitable || die "dockerd answers but is not Docker $DOCKER_MAJOR.x with the containerd store: $(daemon_facts)"
}

# The system's docker-registry (distribution 2.8 on bookworm) is extracted, not installed: the
# package would start a service on :5000 with htpasswd auth; scripts/registry.sh runs it with
# its own config.
fetch_registry() {
  if [ -e "$ENGINE_PREFIX/.registry-ok" ] && [ -x "$ROOT/usr/bin/docker-registry" ]; then return; fi
  log "fetching docker-registry from Debian"
  local t
  t=$(mktemp -d)
  if ! (cd "$t" && apt-get -qq -o APT::Sandbox::User=root download docker-registry >/dev/null 2>&1); then
    apt-get update -qq
    (cd "$t" && apt-get -qq -o APT::Sandbox::User=root download docker-registry >/dev/null)
  fi
  mkdir -p "$ROOT"
  dpkg -x "$t"/docker-registry_*.deb "$ROOT"
  dpkg-deb -W --showformat='${Package} ${Version}\n' "$t"/docker-registry_*.deb > "$ENGINE_PREFIX/.registry-ok"
  rm -rf "$t"
}

# FROM images cannot be pulled here, so the tests build FROM a busybox image made locally.
build_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return; fi
  log "building base image $BASE_IMAGE from busybox-static"
  local b r
  b=$(static_busybox) || die "no statically linked busybox on PATH (apt-get install busybox-static)"
  r=$(mktemp -d)
  mkdir -p "$r/bin" "$r/tmp" "$r/etc" "$r/root"
  cp "$b" "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do
    [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$r/etc/passwd"
  tar -C "$r" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$r"
}

# The base image plus ssh-add and the libraries it links (copied from this machine's
# openssh-client): the tests check that a key forwarded from the vault reaches
# RUN --mount=type=ssh by listing the agent's keys inside the build.
build_ssh_image() {
  if docker image inspect "$SSH_IMAGE" >/dev/null 2>&1; then return; fi
  log "building $SSH_IMAGE (base image + ssh-add)"
  local r f
  r=$(mktemp -d)
  for f in "$(command -v ssh-add)" $(ldd "$(command -v ssh-add)" | grep -o '/[^ ]*'); do
    mkdir -p "$r$(dirname "$f")"
    cp -L "$f" "$r$f"
  done
  printf 'FROM %s\nCOPY / /\n' "$BASE_IMAGE" > "$r.Dockerfile"
  docker build -q -t "$SSH_IMAGE" -f "$r.Dockerfile" "$r" >/dev/null
  rm -rf "$r" "$r.Dockerfile"
}

# What the tests will run against, in one line each.
report() {
  local c='{{range .Server.Components}}{{if eq .Name "containerd" "runc"}}{{.Name}} {{.Version}}, {{end}}{{end}}'
  log "engine $(docker version --format '{{.Server.Version}}'), $(docker version --format "$c" | sed 's/, $//')"
  log "$(docker buildx version)"
  log "storage: $(docker info --format '{{.Driver}} {{.DriverStatus}}')"
}

if [ "${1:-}" = "--base-image-only" ]; then
  build_base_image
  build_ssh_image
  exit 0
fi
need_root
replace_unsuitable_daemon
# Our own engine only when no suitable daemon answers (a second run finds ours running).
pkgs=()
if ! daemon_suitable; then
  mapfile -t pkgs < <(engine_packages)
fi
mapfile -t -O "${#pkgs[@]}" pkgs < <(base_packages)
install_packages ${pkgs[@]+"${pkgs[@]}"}
daemon_suitable || fetch_sid_engine
if [ -e "$ENGINE_PREFIX/.engine-ok" ]; then
  link_init
  install_cli
  install_buildx
fi
start_daemon
fetch_registry
build_base_image
build_ssh_image
bash "$HERE/registry.sh" start
# A second one that wants a login: the tests push to it without one.
SB_REGISTRY_AUTH=secret-build:local-only-password REGISTRY_PORT=5001 bash "$HERE/registry.sh" start
# A second engine on the classic image store, as GitHub's runners have by default.
bash "$HERE/classic-engine.sh" start >/dev/null
report
