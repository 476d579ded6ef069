#!/usr/bin/env bash
# A standalone BuildKit daemon (the one scripts/setup-buildkit.sh builds) behind a buildx
# "remote" builder named sb-remote, for the e2e tests of a builder that is not the engine's: it
# has its own cache and image store, pulls its base images from the local registries, and is
# reached over TCP with mutual TLS, as a remote BuildKit in CI is.
#
#   bash scripts/buildkitd.sh start    start it and create the builder (idempotent, needs root)
#   bash scripts/buildkitd.sh stop     remove the builder and stop it (its state is kept)
#   bash scripts/buildkitd.sh status   exit 0 and a line when it answers, exit 3 when it does not
#
# It runs rootful with the oci worker and the system's runc, listens on 127.0.0.1:$BUILDKITD_PORT
# (default 1234) only, and talks plain HTTP to the local registries 127.0.0.1:5000 and :5001
# (scripts/registry.sh). BUILDKITD_DIR (default /var/lib/secret-build-buildkitd) holds the
# config (buildkitd.toml), the certificates made with openssl on the first start (certs/: a CA,
# a server certificate for 127.0.0.1 and localhost, a client certificate), BuildKit's --root
# (root/), the pid file and the log. The builder is created without --use: the default builder
# and the docker context stay as they are. It is created in the docker config of the user who
# runs this script (DOCKER_CONFIG, else ~/.docker).
#
# start also runs a second buildkitd for linux/arm64 only (under QEMU's binfmt handler, see
# scripts/setup-qemu.sh) on 127.0.0.1:$BUILDKITD_ARM_PORT (default 1235), with its own state and
# certificates in $BUILDKITD_DIR/arm64, and creates the two-node remote builder sb-nodes
# (BUILDKITD_NODES_BUILDER): node sb-nodes-amd is the first daemon pinned to linux/amd64, node
# sb-nodes-arm the second, so a two-platform build sends each platform to its own node. stop
# removes that builder and stops the second daemon too.
set -euo pipefail
# shellcheck source=lib.sh disable=SC1091 # (followed with shellcheck -x)
. "$(dirname "$0")/lib.sh"

ENGINE_PREFIX="${ENGINE_PREFIX:-/opt/secret-build-engine}"
PORT="${BUILDKITD_PORT:-1234}"
ADDR="tcp://127.0.0.1:$PORT"
DIR="${BUILDKITD_DIR:-/var/lib/secret-build-buildkitd}"
# An empty BUILDKITD_BUILDER: no builder (the arm64 instance, which is a node of sb-nodes).
BUILDER="${BUILDKITD_BUILDER-sb-remote}"
# BUILDKITD_PLATFORM: the one platform the worker builds for (default: the host's and QEMU's).
PLATFORM="${BUILDKITD_PLATFORM:-}"
ARM_PORT="${BUILDKITD_ARM_PORT:-1235}"
NODES_BUILDER="${BUILDKITD_NODES_BUILDER:-sb-nodes}"
CERTS="$DIR/certs"
PIDFILE="$DIR/buildkitd.pid"
LOG="$DIR/buildkitd.log"
CONFIG="$DIR/buildkitd.toml"

log() { printf '[buildkitd] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

bin() { # bin buildkitd|buildctl
  local b
  for b in "$ENGINE_PREFIX/buildkit/bin/$1" "$(command -v "$1" 2>/dev/null || true)"; do
    if [ -n "$b" ] && [ -x "$b" ]; then printf '%s\n' "$b"; return 0; fi
  done
  die "no $1 binary; run scripts/setup-buildkit.sh (as root)"
}

runc_bin() {
  local b
  for b in /usr/sbin/runc /usr/bin/runc; do
    if [ -x "$b" ]; then printf '%s\n' "$b"; return 0; fi
  done
  die "no runc in /usr/sbin or /usr/bin (apt-get install runc)"
}

# Whether anything accepts a TCP connection on the port (bash's /dev/tcp).
port_open() {
  # shellcheck disable=SC2016 # $1 is the inner shell's
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$PORT" 2>/dev/null
}

# The pid of the buildkitd this script started, if it still runs (the pid file alone could
# name a recycled pid).
running_pid() {
  local p
  [ -r "$PIDFILE" ] || return 1
  p=$(cat "$PIDFILE")
  [ -n "$p" ] && alive "$p" || return 1
  case "$(readlink "/proc/$p/exe" 2>/dev/null)" in
    *buildkitd*) printf '%s\n' "$p" ;;
    *) return 1 ;;
  esac
}

buildctl() {
  "$(bin buildctl)" --addr "$ADDR" --tlsservername 127.0.0.1 --tlscacert "$CERTS/ca.pem" \
    --tlscert "$CERTS/client.pem" --tlskey "$CERTS/client-key.pem" "$@"
}

# A CA, and a server and a client certificate it signs (EC P-256); made once, kept across restarts.
# Prints "new" when it made them (a builder created with older ones must then be recreated).
make_certs() {
  if [ -s "$CERTS/ca.pem" ] && [ -s "$CERTS/server.pem" ] && [ -s "$CERTS/client.pem" ]; then return; fi
  command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
  log "making a CA and server and client certificates in $CERTS"
  rm -rf "$CERTS"
  mkdir -p "$CERTS"
  chmod 700 "$CERTS"
  local key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${key[@]}" -keyout "$CERTS/ca-key.pem" -out "$CERTS/ca.pem" -days 3650 \
    -subj "/CN=secret-build buildkitd CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  local name ext
  for name in server client; do
    if [ "$name" = server ]; then
      ext="subjectAltName=IP:127.0.0.1,DNS:localhost"$'\n'"extendedKeyUsage=serverAuth"
    else
      ext="extendedKeyUsage=clientAuth"
    fi
    printf '%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$ext" > "$CERTS/$name.ext"
    openssl req "${key[@]}" -keyout "$CERTS/$name-key.pem" -out "$CERTS/$name.csr" \
      -subj "/CN=secret-build buildkitd $name" 2>/dev/null
    openssl x509 -req -in "$CERTS/$name.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" \
      -CAcreateserial -days 825 -extfile "$CERTS/$name.ext" -out "$CERTS/$name.pem" 2>/dev/null
    rm -f "$CERTS/$name.csr" "$CERTS/$name.ext"
  done
  chmod 600 "$CERTS"/*-key.pem
  echo new
}

write_config() {
  mkdir -p "$DIR/root"
  cat > "$CONFIG" <<EOF
# Written by scripts/buildkitd.sh.
root = "$DIR/root"

[grpc]
  address = ["$ADDR"]
  [grpc.tls]
    cert = "$CERTS/server.pem"
    key = "$CERTS/server-key.pem"
    # A CA here makes buildkitd require a client certificate it signed.
    ca = "$CERTS/ca.pem"

[worker.oci]
  enabled = true
  binary = "$(runc_bin)"
  gc = true
$(if [ -n "$PLATFORM" ]; then printf '  platforms = ["%s"]\n' "$PLATFORM"; fi)

[worker.containerd]
  enabled = false

$(buildkitd_local_registries)
EOF
}

builder_exists() {
  [ -n "$BUILDER" ] && docker buildx inspect "$BUILDER" >/dev/null 2>&1
}

# This script, run for the arm64 instance (port $ARM_PORT, state in $DIR/arm64, no builder).
arm_instance() {
  BUILDKITD_SECONDARY=1 BUILDKITD_PORT="$ARM_PORT" BUILDKITD_DIR="$DIR/arm64" \
    BUILDKITD_PLATFORM=linux/arm64 BUILDKITD_BUILDER="" bash "$0" "$@"
}

# The driver options of the remote driver for the certificates in directory $1.
tls_opts() {
  printf 'cacert=%s/ca.pem,cert=%s/client.pem,key=%s/client-key.pem,servername=127.0.0.1' "$1" "$1" "$1"
}

# The two-node builder: this daemon for linux/amd64, the arm64 instance for linux/arm64. One
# that exists but does not answer (e.g. made with older certificates) is recreated.
nodes_builder() {
  if docker buildx inspect --bootstrap "$NODES_BUILDER" >/dev/null 2>&1; then return 0; fi
  if docker buildx inspect "$NODES_BUILDER" >/dev/null 2>&1; then
    docker buildx rm "$NODES_BUILDER" >/dev/null
  fi
  log "creating buildx builder $NODES_BUILDER (two remote nodes: amd64 on $ADDR, arm64 on tcp://127.0.0.1:$ARM_PORT)"
  docker buildx create --name "$NODES_BUILDER" --node "$NODES_BUILDER-amd" --platform linux/amd64 \
    --driver remote --driver-opt "$(tls_opts "$CERTS")" "$ADDR" >/dev/null
  docker buildx create --append --name "$NODES_BUILDER" --node "$NODES_BUILDER-arm" --platform linux/arm64 \
    --driver remote --driver-opt "$(tls_opts "$DIR/arm64/certs")" "tcp://127.0.0.1:$ARM_PORT" >/dev/null
  local out=""
  for _ in $(seq 1 30); do
    if out=$(docker buildx inspect --bootstrap "$NODES_BUILDER" 2>&1); then return 0; fi
    sleep 1
  done
  log "docker buildx inspect --bootstrap $NODES_BUILDER keeps failing:"; printf '%s\n' "$out" >&2
  return 1
}

# Waits until buildctl reaches the daemon (process $1) and lists a worker.
wait_ready() {
  local p="$1"
  for _ in $(seq 1 120); do
    if buildctl debug workers 2>/dev/null | grep -q .; then return 0; fi
    if ! alive "$p"; then
      log "buildkitd exited; last log lines:"; tail -n 20 "$LOG" >&2; return 1
    fi
    sleep 0.25
  done
  log "buildkitd did not answer on $ADDR within 30 s; last log lines:"; tail -n 20 "$LOG" >&2
  return 1
}

wait_builder() {
  local out=""
  for _ in $(seq 1 30); do
    if out=$(docker buildx inspect --bootstrap "$BUILDER" 2>&1); then return 0; fi
    sleep 1
  done
  log "docker buildx inspect --bootstrap $BUILDER keeps failing:"; printf '%s\n' "$out" >&2
  return 1
}

start() {
  [ "$(id -u)" = 0 ] || die "run as root (buildkitd runs rootful)"
  command -v docker >/dev/null || die "no docker CLI (run scripts/setup-docker.sh)"
  local p fresh
  fresh=$(make_certs)
  if ! p=$(running_pid); then
    if port_open; then
      die "something not started by this script already listens on 127.0.0.1:$PORT; set BUILDKITD_PORT to another port"
    fi
    local b; b=$(bin buildkitd)
    write_config
    log "starting $("$b" --version | awk '{print $3}') on $ADDR (root: $DIR/root, log: $LOG)"
    # setsid detaches it so it outlives this script.
    (cd / && exec setsid "$b" --config "$CONFIG" > "$LOG" 2>&1 < /dev/null) &
    p=$!
    echo "$p" > "$PIDFILE"
  fi
  wait_ready "$p" || exit 1
  if [ -z "$BUILDER" ]; then printf '%s\n' "$ADDR"; return; fi
  if [ "$fresh" = new ] && builder_exists; then
    log "new certificates: recreating builder $BUILDER"
    docker buildx rm "$BUILDER" >/dev/null
  fi
  if ! builder_exists; then
    log "creating buildx builder $BUILDER (remote driver, not made the default)"
    docker buildx create --name "$BUILDER" --driver remote \
      --driver-opt "cacert=$CERTS/ca.pem,cert=$CERTS/client.pem,key=$CERTS/client-key.pem,servername=127.0.0.1" \
      "$ADDR" >/dev/null
  fi
  wait_builder || exit 1
  printf '%s %s\n' "$BUILDER" "$ADDR"
  if [ -z "${BUILDKITD_SECONDARY:-}" ]; then
    arm_instance start >/dev/null || exit 1
    nodes_builder || exit 1
    printf '%s %s tcp://127.0.0.1:%s\n' "$NODES_BUILDER" "$ADDR" "$ARM_PORT"
  fi
}

stop() {
  if [ -z "${BUILDKITD_SECONDARY:-}" ]; then
    if docker buildx inspect "$NODES_BUILDER" >/dev/null 2>&1; then
      docker buildx rm "$NODES_BUILDER" >/dev/null && log "removed builder $NODES_BUILDER"
    fi
    arm_instance stop
  fi
  if builder_exists; then
    docker buildx rm "$BUILDER" >/dev/null && log "removed builder $BUILDER"
  fi
  local p
  if ! p=$(running_pid); then
    rm -f "$PIDFILE"; log "not running on $ADDR"; return
  fi
  kill "$p"
  for _ in $(seq 1 60); do
    alive "$p" || break
    sleep 0.25
  done
  if alive "$p"; then kill -9 "$p"; fi
  rm -f "$PIDFILE"
  log "stopped buildkitd $p on $ADDR"
}

status() {
  local p
  if [ -z "${BUILDKITD_SECONDARY:-}" ]; then
    arm_instance status | sed "s/^/linux\/arm64 node of $NODES_BUILDER: /" || true
  fi
  if p=$(running_pid) && buildctl debug workers >/dev/null 2>&1; then
    if [ -z "$BUILDER" ]; then
      echo "running: pid $p on $ADDR, root $DIR/root"
    elif builder_exists; then
      echo "running: pid $p on $ADDR, builder $BUILDER, root $DIR/root"
    else
      echo "running: pid $p on $ADDR, but no builder $BUILDER (run: bash scripts/buildkitd.sh start)"
    fi
    return 0
  fi
  if port_open; then
    echo "not ours: something listens on 127.0.0.1:$PORT"; return 3
  fi
  echo "not running on $ADDR"; return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
