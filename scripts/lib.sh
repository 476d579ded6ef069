# shellcheck shell=bash
# Shell functions the setup scripts share (sourced, not run).

# Whether process $1 lives: a zombie (a killed daemon stays one until reaped) does not. The
# state is the field after the command name, which may hold blanks and parentheses.
alive() {
  [ -r "/proc/$1/stat" ] || return 1
  case "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" in
    Z*|X*|"") return 1 ;;
  esac
}

# The Debian mirror this machine's apt already uses; a registry host name is never written
# into the project. Callers define die().
debian_mirror() {
  local m=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
    # "deb [options] URI suite components": the URI of the first non-security "deb" line.
    m=$(awk '$1 == "deb" && !/security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  [ -n "$m" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  printf '%s\n' "$m"
}

# The machine's own Debian suite (bookworm), for packages of another architecture.
debian_suite() {
  local s=""
  if [ -r /etc/os-release ]; then s=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}"); fi
  [ -n "$s" ] || die "no VERSION_CODENAME in /etc/os-release"
  printf '%s\n' "$s"
}

# The [registry] sections of a buildkitd.toml: the local registries of scripts/registry.sh speak plain HTTP.
buildkitd_local_registries() {
  printf '%s\n' '# The local registries of scripts/registry.sh speak plain HTTP.' \
    '[registry."127.0.0.1:5000"]' '  http = true' '[registry."127.0.0.1:5001"]' '  http = true'
}
