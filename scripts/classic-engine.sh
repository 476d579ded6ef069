#!/usr/bin/env bash
# A second Docker engine on the classic image store (overlay2, no containerd snapshotter): what
# GitHub's ubuntu runners have with the default docker driver. The tests build on it to check
# the leak guard's classic-store path (the image loaded untagged and read with docker save) and
# that no default attestation is added there (this store refuses them).
#
#   bash scripts/classic-engine.sh start    start it (idempotent, as root); prints its DOCKER_HOST
#   bash scripts/classic-engine.sh stop     stop it
#   bash scripts/classic-engine.sh status   exit 0 and a line when it answers, exit 3 when not
#
# It runs in a network namespace of its own (unshare --net): a second dockerd in the host's
# namespace would fight the first over docker0 and its iptables rules. Its socket is a file, so
# the docker CLI reaches it from the host all the same. The same dockerd binary as the main
# engine ($ENGINE_PREFIX/root from scripts/setup-docker.sh, else dockerd on PATH), its own
# data root, exec root, pid file and log under $CLASSIC_DIR (default /var/lib/secret-build-classic).
# `start` also copies the base image the tests build FROM from the main engine.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DIR="${CLASSIC_DIR:-/var/lib/secret-build-classic}"
RUN_DIR=/run/secret-build-classic
SOCKET="$RUN_DIR/docker.sock"
HOST="unix://$SOCKET"
PIDFILE="$RUN_DIR/docker.pid"
LOG="$DIR/dockerd.log"
ROOT="${ENGINE_PREFIX:-/opt/secret-build-engine}/root"
BASE_IMAGE="${SECRET_BUILD_BASE_IMAGE:-secret-build-base:latest}"

log() { printf '[classic-engine] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

answers() { DOCKER_HOST="$HOST" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
classic() { [ "$(DOCKER_HOST="$HOST" docker info --format '{{.Driver}}' 2>/dev/null)" = overlay2 ]; }

dockerd_bin() {
  local b
  for b in "$ROOT/usr/sbin/dockerd" "$(command -v dockerd 2>/dev/null || true)"; do
    if [ -n "$b" ] && [ -x "$b" ]; then printf '%s\n' "$b"; return 0; fi
  done
  die "no dockerd binary: run scripts/setup-docker.sh first"
}

start() {
  [ "$(id -u)" = 0 ] || die "run as root (it starts dockerd)"
  if answers; then
    classic || die "something answers on $SOCKET but is not on the classic image store"
  else
    local bin p
    bin=$(dockerd_bin)
    mkdir -p "$DIR" "$RUN_DIR"
    log "starting a classic-store dockerd in its own network namespace (socket: $SOCKET, log: $LOG)"
    # sid's containerd first on PATH, as for the main engine; from / so git runs in a lasting cwd.
    (cd / && PATH="$ROOT/usr/bin:$ROOT/usr/sbin:$PATH" exec unshare --net -- setsid sh -c \
      'ip link set lo up 2>/dev/null; exec "$0" "$@"' "$bin" \
      --host "$HOST" --data-root "$DIR/data" --exec-root "$RUN_DIR/exec" --pidfile "$PIDFILE" \
      >"$LOG" 2>&1 </dev/null) &
    p=$!
    for _ in $(seq 1 120); do
      answers && break
      if ! alive "$p" && ! { [ -r "$PIDFILE" ] && alive "$(cat "$PIDFILE")"; }; then
        log "dockerd exited; last log lines:"; tail -n 20 "$LOG" >&2; exit 1
      fi
      sleep 0.5
    done
    answers || { log "dockerd did not answer within 60 s; last log lines:"; tail -n 20 "$LOG" >&2; exit 1; }
    classic || die "the second dockerd is not on the classic image store: $(DOCKER_HOST="$HOST" docker info --format '{{.Driver}} {{.DriverStatus}}')"
  fi
  if ! DOCKER_HOST="$HOST" docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "copying $BASE_IMAGE from the main engine"
    docker save "$BASE_IMAGE" | DOCKER_HOST="$HOST" docker load >/dev/null
  fi
  printf '%s\n' "$HOST"
}

stop() {
  local p
  if [ -r "$PIDFILE" ] && p=$(cat "$PIDFILE") && alive "$p"; then
    kill "$p"
    for _ in $(seq 1 60); do alive "$p" || break; sleep 0.5; done
    alive "$p" && kill -9 "$p"
    log "stopped dockerd $p"
  else
    log "not running"
  fi
  rm -f "$PIDFILE"
}

status() {
  if answers && classic; then echo "running: $HOST (classic image store)"; return 0; fi
  echo "not running on $HOST"; return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
