#!/bin/sh
# Step 5 of 5: stop the nodes (KH too, if 06-operate.sh started it).
#
#   sh 05-stop.sh FOLDER
#
# SIGTERM makes a node stop accepting, answer open long-polls, let in-flight requests and
# writes finish (at most 5 s), close its store and exit 0. Nothing acknowledged is lost even on a
# hard kill, but a clean stop is quicker to restart. A second SIGTERM stops at once.
set -eu
. "$(dirname -- "$0")/common.sh"
FOLDER=$(folder "${1:-}")

STOPPING=""
for CC in TH LA KH; do
  PIDFILE="$FOLDER/run/$CC.pid"
  [ -f "$PIDFILE" ] || continue
  PID=$(cat "$PIDFILE")
  if kill -TERM "$PID" 2>/dev/null; then
    STOPPING="$STOPPING $CC:$PID"
  else
    echo "$CC was not running (stale pid file)"
    rm -f "$PIDFILE"
  fi
done

# Wait up to 30 s for each node to exit.
for ENTRY in $STOPPING; do
  CC=${ENTRY%%:*}
  PID=${ENTRY#*:}
  TRIES=0
  while kill -0 "$PID" 2>/dev/null; do
    TRIES=$((TRIES + 1))
    if [ "$TRIES" -gt 150 ]; then
      echo "$CC (pid $PID) did not stop within 30 s; stopping it at once" >&2
      kill -KILL "$PID" 2>/dev/null || true
      break
    fi
    sleep 0.2 2>/dev/null || sleep 1
  done
  rm -f "$FOLDER/run/$CC.pid"
  echo "$CC stopped"
done
