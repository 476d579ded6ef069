# Shell functions the setup scripts share (sourced, not run).

# Whether process $1 lives: a zombie (a killed daemon stays one until reaped) does not. The
# state is the field after the command name, which may hold blanks and parentheses.
alive() {
  [ -r "/proc/$1/stat" ] || return 1
  case "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" in
    Z*|X*|"") return 1 ;;
  esac
}
