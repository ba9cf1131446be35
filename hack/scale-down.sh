#!/usr/bin/env bash
# Stops everything hack/scale-up.sh started, by its pid files in .local/scale, and waits until the processes are gone:
# the servers and simulators first, then the standby, then the PostgreSQL primary (fast shutdown: SIGINT).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
RUN="$LOCAL/scale"
shopt -s nullglob
stopped=0
stop() { # pidfile signal
  local pidfile=$1 signal=$2 pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    # Each process was started with setsid: signal its whole group.
    kill "-$signal" -- "-$pid" 2>/dev/null || kill "-$signal" "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    stopped=$((stopped + 1))
  fi
  rm -f "$pidfile"
}
for pidfile in "$RUN"/*.pid; do
  case $(basename "$pidfile") in pg-*|standby.pid) continue ;; esac
  stop "$pidfile" TERM
done
# standby.pid is the standby's postmaster, usually gone with pg-standby's group (or already killed by a test).
for name in pg-standby standby pg-primary; do
  [ -f "$RUN/$name.pid" ] && stop "$RUN/$name.pid" INT
done
echo "stopped $stopped process(es)"
