#!/usr/bin/env bash
# Stops everything hack/local-up.sh started and waits until the processes are gone.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
shopt -s nullglob
stopped=0
for pidfile in "$LOCAL"/*.pid; do
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    # Each process was started with setsid: signal its whole group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    stopped=$((stopped + 1))
  fi
  rm -f "$pidfile"
done
echo "stopped $stopped process(es)"
