# Settings shared by the runbook scripts. Sourced by each of them (". common.sh"), not run.
#
#   FRX_HOME   the FRX checkout, built with `npm run build` (default: two folders up from here)
#   TH_PORT    where the Thai node listens on 127.0.0.1 (default 7401)
#   LA_PORT    where the Lao node listens on 127.0.0.1 (default 7402)
#   KH_PORT    where the Cambodian node, which joins later (06-operate.sh), listens (default 7403)
#
# On a real server each country runs its own node on its own machine, behind TLS; this runbook
# puts both on one machine, on loopback, so that an operator can rehearse every step.

FRX_HOME=${FRX_HOME:-$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)}
FRX_CLI="$FRX_HOME/node/dist/cli/main.js"
TH_PORT=${TH_PORT:-7401}
LA_PORT=${LA_PORT:-7402}
KH_PORT=${KH_PORT:-7403}

if [ ! -f "$FRX_CLI" ]; then
  echo "frx-node is not built: run npm run build in $FRX_HOME first" >&2
  exit 1
fi

# frx-node, the node's command line (frx-node --help lists its commands).
frx() {
  node "$FRX_CLI" "$@"
}

# The runbook folder given as $1, as an absolute path; every script takes the same one.
folder() {
  if [ -z "${1:-}" ]; then
    echo "usage: $0 FOLDER   (the same folder for every step of the runbook)" >&2
    exit 2
  fi
  mkdir -p -- "$1"
  CDPATH='' cd -- "$1" && pwd
}

# The port a node listens on, by country code.
port_of() {
  case "$1" in
    TH) echo "$TH_PORT" ;;
    LA) echo "$LA_PORT" ;;
    KH) echo "$KH_PORT" ;;
    *) echo "unknown node $1" >&2; exit 2 ;;
  esac
}
