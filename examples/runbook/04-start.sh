#!/bin/sh
# Step 4 of 5: start both nodes in the background and wait until they are ready.
#
#   sh 04-start.sh FOLDER [CC…]     (default: TH LA; 06-operate.sh starts KH with it)
#
# Each node logs JSON lines to FOLDER/logs/CC.log and its process id is written to
# FOLDER/run/CC.pid, which 05-stop.sh reads. In production a service manager (systemd, a
# container runtime) does this instead: it runs `frx-node start --dir DIR` in the foreground,
# sends SIGTERM to stop it, and probes /readyz. See docs/operator-guide.md, "Start and stop".
set -eu
. "$(dirname -- "$0")/common.sh"
FOLDER=$(folder "${1:-}")
shift
NODES=${*:-TH LA}
mkdir -p "$FOLDER/logs" "$FOLDER/run"

# wait_ready URL PID: polls URL/readyz until it answers 200 (at most 60 s), and gives up at
# once if the process has exited. Prints the readiness document.
wait_ready() {
  node --input-type=module -e '
    const [url, pid] = process.argv.slice(1);
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        const res = await fetch(`${url}/readyz`);
        if (res.status === 200) { console.log(JSON.stringify(await res.json())); process.exit(0); }
      } catch {}
      try { process.kill(Number(pid), 0); } catch { console.error(`the node (pid ${pid}) exited`); process.exit(1); }
      if (Date.now() > until) { console.error(`${url} not ready after 60 s`); process.exit(1); }
      await new Promise((r) => setTimeout(r, 200));
    }' "$1" "$2"
}

for CC in $NODES; do
  PIDFILE="$FOLDER/run/$CC.pid"
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "$CC is already running (pid $(cat "$PIDFILE"))"
    continue
  fi
  # Run node directly (not through the frx function) so that $! is the node's own pid.
  node "$FRX_CLI" start --dir "$FOLDER/$CC" </dev/null >>"$FOLDER/logs/$CC.log" 2>&1 &
  echo $! >"$PIDFILE"
done

for CC in $NODES; do
  URL="http://127.0.0.1:$(port_of "$CC")"
  if ! READY=$(wait_ready "$URL" "$(cat "$FOLDER/run/$CC.pid")"); then
    echo "$CC did not become ready; the end of its log:" >&2
    tail -n 20 "$FOLDER/logs/$CC.log" >&2
    exit 1
  fi
  echo "$CC ready at $URL (pid $(cat "$FOLDER/run/$CC.pid"), log $FOLDER/logs/$CC.log)"
  echo "  /readyz: $READY"
done

echo
echo "agency API:  TH http://127.0.0.1:$TH_PORT/v1/   LA http://127.0.0.1:$LA_PORT/v1/"
echo "federation:  TH http://127.0.0.1:$TH_PORT/federation/v1   LA http://127.0.0.1:$LA_PORT/federation/v1"
echo "operations:  /healthz /readyz /metrics /openapi.json on each"
echo "stop with:   sh $(dirname -- "$0")/05-stop.sh $FOLDER"
