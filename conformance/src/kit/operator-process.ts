/**
 * The `restart` and `crash` steps of the reference node's operator script: shell functions,
 * and the lines of the script's `case` that call them. The node's process is the one whose pid
 * `frx-node start` wrote to DIR/admin.json; the script starts the node again with
 * `frx-node start --dir DIR` in the background (stdout to DIR/frx-node.out, logs appended to
 * DIR/frx-node.log) and returns once it prints that it listens.
 */
export function processStepFunctions(): string[] {
  return [
    "# The running node's pid, from DIR/admin.json (written by frx-node start); empty when none runs.",
    "node_pid() {",
    '  P="$(sed -n \'s/.*"pid": *\\([0-9][0-9]*\\).*/\\1/p\' "$DIR/admin.json" 2>/dev/null || true)"',
    '  if [ -n "$P" ] && kill -0 "$P" 2>/dev/null; then echo "$P"; fi',
    "}",
    "# Sends signal $1 to the node and waits (up to 60 s) until its process is gone.",
    "stop_node() {",
    '  P="$(node_pid)"',
    '  if [ -z "$P" ]; then echo "no node running at $DIR: starting it"; return 0; fi',
    '  kill -"$1" "$P" 2>/dev/null || true',
    "  i=0",
    '  while kill -0 "$P" 2>/dev/null; do',
    "    i=$((i + 1))",
    '    if [ "$i" -gt 600 ]; then echo "the node (pid $P) did not stop within 60 s" >&2; exit 1; fi',
    "    sleep 0.1",
    "  done",
    '  rm -f "$DIR/admin.json"',
    "}",
    "# Starts the node in the background and waits (up to 60 s) until it listens.",
    "start_node() {",
    '  : >"$DIR/frx-node.out"',
    '  nohup $FRX_NODE start --dir "$DIR" >"$DIR/frx-node.out" 2>>"$DIR/frx-node.log" </dev/null &',
    "  P=$!",
    "  i=0",
    '  until grep -q "listening on" "$DIR/frx-node.out"; do',
    '    if ! kill -0 "$P" 2>/dev/null; then',
    '      echo "frx-node start exited:" >&2',
    '      tail -n 5 "$DIR/frx-node.out" "$DIR/frx-node.log" >&2',
    "      exit 1",
    "    fi",
    "    i=$((i + 1))",
    '    if [ "$i" -gt 600 ]; then echo "the node did not listen within 60 s" >&2; exit 1; fi',
    "    sleep 0.1",
    "  done",
    '  cat "$DIR/frx-node.out"',
    "}",
  ];
}

/** The `case` arms: restart stops with SIGTERM (the node drains), crash with SIGKILL. */
export function processStepCases(): string[] {
  return ["  restart) stop_node TERM; start_node ;;", "  crash) stop_node KILL; start_node ;;"];
}
