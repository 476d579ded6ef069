#!/usr/bin/env bash
# A buildx "docker-container" builder named sb-container: the driver docker/setup-buildx-action
# creates by default, BuildKit in a container of the engine. Its image is built here, since no
# public registry is reachable: the local base image (busybox) with the BuildKit of
# scripts/setup-buildkit.sh (buildkitd, and buildctl, which buildx runs in the container to
# reach the daemon), the system's runc and git with the shared libraries they load.
#
#   bash scripts/buildkit-container.sh start    build the image if missing, create the builder
#                                               and start its container (idempotent)
#   bash scripts/buildkit-container.sh stop     remove the builder and its container (the image
#                                               is kept)
#   bash scripts/buildkit-container.sh status   exit 0 and a line when the builder answers, exit 3
#                                               when it does not
#
# The container uses the host's network (driver-opt network=host), so it reaches the local
# registries 127.0.0.1:5000 and :5001 (scripts/registry.sh), which its buildkitd.toml lets it
# speak plain HTTP to. buildx tries to pull the image first and, when that fails, uses the one
# in the engine's store. The builder is created without --use: the default builder and the
# docker context stay as they are; it lives in the docker config of the user who runs this
# script (DOCKER_CONFIG, else ~/.docker).
set -euo pipefail
# shellcheck source=lib.sh disable=SC1091 # (followed with shellcheck -x)
. "$(dirname "$0")/lib.sh"

ENGINE_PREFIX="${ENGINE_PREFIX:-/opt/secret-build-engine}"
BUILDER="${BUILDKIT_CONTAINER_BUILDER:-sb-container}"
IMAGE="${BUILDKIT_CONTAINER_IMAGE:-secret-build/buildkit:local}"
BASE_IMAGE="${BASE_IMAGE:-secret-build-base:latest}"
if [ "$(id -u)" = 0 ]; then
  DIR="${BUILDKIT_CONTAINER_DIR:-/var/lib/secret-build-buildkit-container}"
else
  DIR="${BUILDKIT_CONTAINER_DIR:-${TMPDIR:-/tmp}/secret-build-buildkit-container-$(id -u)}"
fi
CONFIG="$DIR/buildkitd.toml"

log() { printf '[buildkit-container] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

bin() { # bin buildkitd|buildctl|runc|git
  local b
  for b in "$ENGINE_PREFIX/buildkit/bin/$1" "/usr/sbin/$1" "$(command -v "$1" 2>/dev/null || true)"; do
    if [ -n "$b" ] && [ -x "$b" ]; then printf '%s\n' "$b"; return 0; fi
  done
  return 1
}

# Copies program $2 to $1/usr/bin/$3 and the shared libraries ldd lists to the same paths under $1.
copy_with_libs() {
  local root="$1" prog="$2" name="$3" f
  mkdir -p "$root/usr/bin"
  cp -L "$prog" "$root/usr/bin/$name"
  for f in $(ldd "$prog" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f"
  done
}

build_image() {
  if docker image inspect "$IMAGE" >/dev/null 2>&1; then return; fi
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 \
    || die "no $BASE_IMAGE image (run scripts/setup-docker.sh)"
  local kd ctl runc git r
  kd=$(bin buildkitd) || die "no buildkitd binary; run scripts/setup-buildkit.sh (as root)"
  ctl=$(bin buildctl) || die "no buildctl binary; run scripts/setup-buildkit.sh (as root)"
  runc=$(bin runc) || die "no runc (apt-get install runc)"
  log "building $IMAGE ($BASE_IMAGE + buildkitd, buildctl, runc, git)"
  r=$(mktemp -d)
  mkdir -p "$r/usr/bin" "$r/var/lib/buildkit" "$r/etc/buildkit"
  cp -L "$kd" "$r/usr/bin/buildkitd"
  cp -L "$ctl" "$r/usr/bin/buildctl"
  copy_with_libs "$r" "$runc" runc
  # Git contexts: BuildKit runs git (git:// and file URLs need no remote helper).
  # BuildKit also runs "git submodule", a shell script in git's exec path (busybox runs it).
  if git=$(command -v git 2>/dev/null); then
    copy_with_libs "$r" "$git" git
    local ex f; ex=$("$git" --exec-path)
    mkdir -p "$r$ex"
    for f in git-submodule git-sh-setup git-sh-i18n; do
      if [ -e "$ex/$f" ]; then cp -L "$ex/$f" "$r$ex/$f"; fi
    done
  fi
  printf 'FROM %s\nCOPY / /\nENTRYPOINT ["buildkitd"]\n' "$BASE_IMAGE" > "$r.Dockerfile"
  docker build -q -t "$IMAGE" -f "$r.Dockerfile" "$r" >/dev/null
  rm -rf "$r" "$r.Dockerfile"
}

write_config() {
  mkdir -p "$DIR"
  # Unquoted: the registries' section is the output of buildkitd_local_registries (lib.sh).
  cat > "$CONFIG" <<EOF
# Written by scripts/buildkit-container.sh; buildx copies it into the container.
[worker.oci]
  enabled = true
  gc = true

[worker.containerd]
  enabled = false

$(buildkitd_local_registries)
EOF
}

builder_exists() {
  docker buildx inspect "$BUILDER" >/dev/null 2>&1
}

start() {
  command -v docker >/dev/null || die "no docker CLI (run scripts/setup-docker.sh)"
  build_image
  if ! builder_exists; then
    write_config
    log "creating buildx builder $BUILDER (docker-container driver, image $IMAGE, not made the default)"
    docker buildx create --name "$BUILDER" --driver docker-container \
      --driver-opt "image=$IMAGE" --driver-opt network=host \
      --buildkitd-config "$CONFIG" >/dev/null
  fi
  local out
  if ! out=$(docker buildx inspect --bootstrap "$BUILDER" 2>&1); then
    log "docker buildx inspect --bootstrap $BUILDER failed:"; printf '%s\n' "$out" >&2
    exit 1
  fi
  printf '%s %s\n' "$BUILDER" "$IMAGE"
}

stop() {
  if builder_exists; then
    docker buildx rm "$BUILDER" >/dev/null && log "removed builder $BUILDER"
  else
    log "no builder $BUILDER"
  fi
}

status() {
  local out
  if ! out=$(docker buildx inspect "$BUILDER" 2>/dev/null); then
    echo "no builder $BUILDER"; return 3
  fi
  if printf '%s\n' "$out" | grep -Eq '^Status:[[:space:]]+running'; then
    echo "running: builder $BUILDER (docker-container, image $IMAGE)"; return 0
  fi
  echo "builder $BUILDER exists but is not running (run: bash scripts/buildkit-container.sh start)"; return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
