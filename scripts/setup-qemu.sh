#!/usr/bin/env bash
# Two platforms on one amd64 machine, as docker/setup-qemu-action gives a runner: Debian's
# qemu-user-static registered with binfmt_misc, an arm64 busybox base image, and a two-platform
# base (an index of amd64 + arm64) in the local registry and in the engine. Idempotent; as root,
# after scripts/setup-docker.sh (it needs the engine and the registry on $REGISTRY).
#
#   bash scripts/setup-qemu.sh
#
# - binfmt_misc is mounted when it is not, and each of $QEMU_ARCHES is registered from the line
#   Debian ships in /usr/lib/binfmt.d. Those lines carry the F (fix-binary) flag: the kernel opens
#   the interpreter at registration, so it also runs inside BuildKit's mount namespaces.
# - busybox-static for arm64 comes from the host's Debian suite through a temporary apt
#   configuration: dpkg's foreign architectures and the system's sources stay untouched.
# - Images: $BASE_IMAGE (amd64, from setup-docker.sh), secret-build-base:arm64, and
#   $REGISTRY/secret-build-base:multi joining both, also pulled into the engine per platform and
#   tagged secret-build-base:multi, so `FROM secret-build-base:multi` resolves for each platform.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

BASE_IMAGE="${BASE_IMAGE:-secret-build-base:latest}"
ARM_IMAGE=secret-build-base:arm64
MULTI_IMAGE=secret-build-base:multi
REGISTRY="${REGISTRY:-127.0.0.1:5000}"
# aarch64 is what the tests build; the others cost a registration line each.
QEMU_ARCHES="${QEMU_ARCHES:-aarch64 arm riscv64 s390x}"
BINFMT=/proc/sys/fs/binfmt_misc

log() { printf '[setup-qemu] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

install_qemu() {
  [ -x /usr/bin/qemu-aarch64-static ] && return
  log "installing qemu-user-static from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null
}

register_binfmt() {
  if [ ! -e "$BINFMT/register" ]; then
    mount -t binfmt_misc binfmt_misc "$BINFMT" || die "cannot mount binfmt_misc on $BINFMT (is this a container without the privilege?)"
  fi
  local a line
  for a in $QEMU_ARCHES; do
    [ -e "$BINFMT/qemu-$a" ] && continue
    line=$(cat "/usr/lib/binfmt.d/qemu-$a.conf" 2>/dev/null) || die "qemu-user-static ships no /usr/lib/binfmt.d/qemu-$a.conf"
    case "${line##*:}" in
      *F*) ;;
      *) die "/usr/lib/binfmt.d/qemu-$a.conf has no F (fix-binary) flag: builds in BuildKit's namespaces would not find the interpreter" ;;
    esac
    printf '%s' "$line" > "$BINFMT/register"
    log "registered qemu-$a ($(sed -n 's/^flags: //p' "$BINFMT/qemu-$a"))"
  done
}


# busybox-static for arm64, extracted into $1, through an apt configuration that lives in a temp dir.
fetch_arm64_busybox() {
  local t o
  t=$(mktemp -d)
  mkdir -p "$t/lists/partial" "$t/cache/archives/partial"
  echo "deb [arch=arm64] $(debian_mirror) $(debian_suite) main" > "$t/sources.list"
  o=(-o "Dir::Etc::SourceList=$t/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$t/lists"
     -o "Dir::Cache=$t/cache" -o APT::Architectures=arm64 -o APT::Architecture=arm64 -o APT::Sandbox::User=root)
  apt-get "${o[@]}" update -qq
  (cd "$t" && apt-get "${o[@]}" download -qq busybox-static:arm64 >/dev/null)
  dpkg -x "$t"/busybox-static_*_arm64.deb "$1"
  rm -rf "$t"
}

# The arm64 base, made as setup-docker.sh makes the amd64 one; its applet links come from running
# the arm64 busybox, which checks the emulation on the way.
build_arm64_image() {
  if [ "$(docker image inspect --format '{{.Architecture}}' "$ARM_IMAGE" 2>/dev/null)" = arm64 ]; then return; fi
  log "building $ARM_IMAGE from Debian's busybox-static for arm64"
  local x r
  x=$(mktemp -d)
  fetch_arm64_busybox "$x"
  r="$x/rootfs"
  mkdir -p "$r/bin" "$r/tmp" "$r/etc" "$r/root"
  cp "$x/bin/busybox" "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do
    [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
  done
  [ "$(chroot "$r" /bin/uname -m)" = aarch64 ] || die "the arm64 busybox does not run under QEMU"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$r/etc/passwd"
  tar -C "$r" -c . | docker import --platform linux/arm64 - "$ARM_IMAGE" >/dev/null
  rm -rf "$x"
}

registry_has() {
  docker buildx imagetools inspect "$REGISTRY/$1" >/dev/null 2>&1
}

# Both bases pushed, joined into one index, and that index pulled once per platform: on the
# containerd store the local image then holds both, as a builder's FROM needs.
publish_multi() {
  local p
  if ! registry_has "$MULTI_IMAGE"; then
    log "pushing $REGISTRY/$MULTI_IMAGE (linux/amd64 + linux/arm64)"
    for p in amd64 arm64; do
      docker tag "secret-build-base:$([ $p = amd64 ] && echo latest || echo arm64)" "$REGISTRY/secret-build-base:$p"
      docker push -q "$REGISTRY/secret-build-base:$p" >/dev/null
    done
    docker buildx imagetools create -t "$REGISTRY/$MULTI_IMAGE" "$REGISTRY/secret-build-base:amd64" "$REGISTRY/secret-build-base:arm64" >/dev/null 2>&1
  fi
  if [ "$(docker image inspect --format '{{.Id}}' "$MULTI_IMAGE" 2>/dev/null)" != "$(multi_digest)" ] || ! has_both; then
    for p in amd64 arm64; do docker pull -q --platform "linux/$p" "$REGISTRY/$MULTI_IMAGE" >/dev/null; done
    docker tag "$REGISTRY/$MULTI_IMAGE" "$MULTI_IMAGE"
  fi
  has_both || die "$MULTI_IMAGE does not hold linux/amd64 and linux/arm64 after the pull"
}

multi_digest() {
  docker buildx imagetools inspect --format '{{json .Manifest.Digest}}' "$REGISTRY/$MULTI_IMAGE" | tr -d '"'
}

# `docker image inspect --platform` answers for a platform only when its content is in the store.
has_both() {
  docker image inspect --platform linux/amd64 "$MULTI_IMAGE" >/dev/null 2>&1 &&
    docker image inspect --platform linux/arm64 "$MULTI_IMAGE" >/dev/null 2>&1
}

[ "$(id -u)" = 0 ] || die "run as root (it installs a Debian package and registers binfmt_misc handlers)"
install_qemu
register_binfmt
build_arm64_image
publish_multi
log "platforms: $(docker buildx inspect --bootstrap | sed -n 's/^Platforms: *//p' | head -n 1)"
