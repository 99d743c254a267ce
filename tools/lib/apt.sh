# shellcheck shell=bash
# Debian packages the test tools need, installed on first use. The caller defines log() and die().

# Installs Debian packages when a command is missing.
ensure_apt() { # <command> <package>...
  command -v "$1" >/dev/null 2>&1 && return
  shift
  log "installing $* (apt-get)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! { $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >&2; }; then
    die "$* missing and apt-get could not install it"
  fi
}
