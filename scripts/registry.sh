#!/usr/bin/env bash
# A real local image registry (Debian's docker-registry, distribution 2.8) for the tests to push
# to, since no public registry is reachable. It listens on 127.0.0.1 only, without auth: dockerd
# and buildx allow plain HTTP to 127.0.0.0/8 by default.
#
#   bash scripts/registry.sh start    start it (idempotent); prints its address, e.g. 127.0.0.1:5000
#   bash scripts/registry.sh stop     stop it (its storage is kept for the next start)
#   bash scripts/registry.sh status   exit 0 and a line when it answers, exit 3 when it does not
#
# REGISTRY_PORT (default 5000) picks the port; REGISTRY_DIR the state directory (default
# /var/lib/secret-build-registry as root, else $TMPDIR/secret-build-registry-UID), which holds
# per port the config, the storage, the pid file and the log. The binary is the one
# scripts/setup-docker.sh extracts, or REGISTRY_BIN, or docker-registry on PATH.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PORT="${REGISTRY_PORT:-5000}"
ADDR="127.0.0.1:$PORT"
if [ "$(id -u)" = 0 ]; then
  DIR="${REGISTRY_DIR:-/var/lib/secret-build-registry}/$PORT"
else
  DIR="${REGISTRY_DIR:-${TMPDIR:-/tmp}/secret-build-registry-$(id -u)}/$PORT"
fi
PIDFILE="$DIR/registry.pid"
# SB_REGISTRY_AUTH=user:password: a registry that wants a login (htpasswd, bcrypt), for tests of a push without one.
AUTH="${SB_REGISTRY_AUTH:-}"
READY=200
[ -n "$AUTH" ] && READY=401

log() { printf '[registry] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

registry_bin() {
  local b
  for b in "${REGISTRY_BIN:-}" "${ENGINE_PREFIX:-/opt/secret-build-engine}/root/usr/bin/docker-registry" \
           "$(command -v docker-registry 2>/dev/null || true)"; do
    if [ -n "$b" ] && [ -x "$b" ]; then printf '%s\n' "$b"; return 0; fi
  done
  die "no docker-registry binary; run scripts/setup-docker.sh (as root) or set REGISTRY_BIN"
}

# HTTP status of GET /v2/ ("200" when a registry without auth answers); bash's /dev/tcp, so
# neither curl nor wget is needed.
v2_status() {
  timeout 2 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /v2/ HTTP/1.0\r\nHost: %s\r\n\r\n" "127.0.0.1:$1" >&3
    head -n 1 <&3' _ "$PORT" 2>/dev/null | awk '{print $2}' || true
}

# The pid of the registry this script started on $PORT, if it still runs (the pid file alone
# could name a recycled pid).
running_pid() {
  local p
  [ -r "$PIDFILE" ] || return 1
  p=$(cat "$PIDFILE")
  [ -n "$p" ] && [ -d "/proc/$p" ] || return 1
  case "$(readlink "/proc/$p/exe" 2>/dev/null)" in
    *docker-registry*) printf '%s\n' "$p" ;;
    *) return 1 ;;
  esac
}

# Listens on 127.0.0.1 only, no auth, deletes allowed (tests may clean up), no access log.
write_config() {
  mkdir -p "$DIR/data"
  cat > "$DIR/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DIR/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $ADDR
  secret: secret-build-local-registry
  headers:
    X-Content-Type-Options: [nosniff]
EOF
  [ -n "$AUTH" ] || return 0
  # distribution accepts only bcrypt in htpasswd files; Python's crypt makes one without apache2-utils.
  python3 -c 'import crypt, sys; u, p = sys.argv[1].split(":", 1); print(u + ":" + crypt.crypt(p, crypt.mksalt(crypt.METHOD_BLOWFISH)))' "$AUTH" 2>/dev/null > "$DIR/htpasswd"
  cat >> "$DIR/config.yml" <<EOF
auth:
  htpasswd:
    realm: secret-build-local-registry
    path: $DIR/htpasswd
EOF
}

# Waits until GET /v2/ answers as expected while process $1 lives. Right after the start it may
# still be the subshell, env or setsid on their way to exec docker-registry, so its exe is not
# checked here: running_pid's exe check made a slow machine report a starting registry as exited.
wait_ready() {
  local p="$1"
  for _ in $(seq 1 40); do
    [ "$(v2_status)" = "$READY" ] && return 0
    if ! alive "$p"; then
      log "docker-registry exited; last log lines:"; tail -n 20 "$DIR/registry.log" >&2; return 1
    fi
    sleep 0.25
  done
  log "registry did not answer GET /v2/ within 10 s; last log lines:"; tail -n 20 "$DIR/registry.log" >&2
  return 1
}

start() {
  local p
  if p=$(running_pid); then
    wait_ready "$p" || exit 1
    printf '%s\n' "$ADDR"; return
  fi
  local s; s=$(v2_status)
  if [ -n "$s" ]; then
    die "something not started by this script already answers on $ADDR (GET /v2/: $s); set REGISTRY_PORT to another port"
  fi
  local bin; bin=$(registry_bin)
  write_config
  log "starting docker-registry on $ADDR (storage: $DIR/data, log: $DIR/registry.log)"
  # The registry reads REGISTRY_* variables as config overrides: ours (REGISTRY_PORT, ...) must
  # not reach it. setsid detaches it so it outlives this script.
  local unset=() v
  for v in $(compgen -e | grep '^REGISTRY_' || true); do unset+=(-u "$v"); done
  (cd / && exec env "${unset[@]}" setsid "$bin" serve "$DIR/config.yml" > "$DIR/registry.log" 2>&1 < /dev/null) &
  p=$!
  echo "$p" > "$PIDFILE"
  wait_ready "$p" || exit 1
  printf '%s\n' "$ADDR"
}

stop() {
  local p
  if ! p=$(running_pid); then
    rm -f "$PIDFILE"; log "not running on $ADDR"; return
  fi
  kill "$p"
  for _ in $(seq 1 40); do
    [ -d "/proc/$p" ] || break
    sleep 0.25
  done
  [ -d "/proc/$p" ] && kill -9 "$p"
  rm -f "$PIDFILE"
  log "stopped docker-registry $p on $ADDR"
}

status() {
  local p s
  s=$(v2_status)
  if p=$(running_pid) && [ "$s" = "$READY" ]; then
    echo "running: pid $p on $ADDR, storage $DIR/data"; return 0
  fi
  if [ -n "$s" ]; then
    echo "not ours: something answers on $ADDR (GET /v2/: $s)"; return 3
  fi
  echo "not running on $ADDR"; return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
