# shellcheck shell=bash
# Free loopback ports for test servers. The caller defines die().

# Local ports in any state (listening, connected, TIME_WAIT), from the kernel's tables.
used_ports() {
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    awk 'NR > 1 { split($2, a, ":"); if (a[2] != "") print a[2] }' |
    while read -r hex; do echo $((16#$hex)); done | sort -u
}

# Random free ports below the kernel's ephemeral range, where no outgoing connection can take
# them between our check and the server's bind.
free_ports() { # <count>
  local low used picked="" p n=0 i
  low="$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  [ "$low" -gt 12000 ] || low=32768
  used=" $(used_ports | tr '\n' ' ') "
  for i in $(seq 1 500); do
    p=$((10000 + RANDOM % (low - 10000)))
    case "$used$picked " in *" $p "*) continue ;; esac
    picked+=" $p"; n=$((n + 1))
    [ "$n" = "$1" ] && { echo "$picked"; return; }
  done
  die "no free port found on 127.0.0.1"
}
