#!/bin/sh
# Step 1 of 5: create two national nodes, Thailand (TH) and Lao PDR (LA).
#
#   sh 01-init-nodes.sh FOLDER
#
# Each node gets FOLDER/CC/ with config.json (settings, no secrets), node-keys.json (its
# Ed25519 signing key and X25519 encryption key, mode 0600: back it up apart from the data) and
# an empty store. Nothing listens yet. See docs/operator-guide.md, "Install and initialise".
set -eu
. "$(dirname -- "$0")/common.sh"
FOLDER=$(folder "${1:-}")

for CC in TH LA; do
  case "$CC" in
    TH) NAME="Thailand national node" ;;
    LA) NAME="Lao PDR national node" ;;
  esac
  PORT=$(port_of "$CC")
  # The public URL is what agencies and peer nodes use to reach this node. In production it is
  # the https:// address of the TLS front end, and --host stays on an internal interface.
  frx init --dir "$FOLDER/$CC" --node "$CC" --name "$NAME" \
    --host 127.0.0.1 --port "$PORT" --public-url "http://127.0.0.1:$PORT"
done

echo
echo "next: sh $(dirname -- "$0")/02-trust.sh $FOLDER"
