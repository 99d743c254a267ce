# shellcheck shell=bash
# Background servers tracked by pid files. A pid file is trusted only while its process still
# runs the binary it was written for, so a reused pid is never signalled. The caller defines log().

pidfile_pid() { # <pid file> <binary name>: prints the pid if that process still runs the binary
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "/$2 " || return 1
  echo "$pid"
}

pidfile_stop() { # <pid file> <binary name>: TERM, then KILL after 10 s; removes the pid file
  local pid i
  if pid="$(pidfile_pid "$1" "$2")"; then
    log "stopping $2 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    if [ -d "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$1"
}

# During startup a child may not have exec'd its binary yet (its cmdline is still the shell's
# under load), so only ask whether the pid runs and is not a zombie.
pidfile_running() { # <pid file>
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && ! grep -q ') Z ' "/proc/$pid/stat"
}
