#!/bin/sh
# Step 6: operate the running nodes, with no restart: add an agency, revoke a key that has
# leaked, add a member (KH) at trust-list version 2, and read the outboxes.
#
#   sh 06-operate.sh FOLDER      (after 04-start.sh; 05-stop.sh stops all three nodes)
#
# Every frx-node command below reaches a running node through its admin API (on loopback,
# its URL in DIR/admin.json), signed as the operator whose key init wrote to
# DIR/operator.private.json. docs/operator-guide.md, "Operating a running node", shows these
# same commands; a test runs this script.
set -eu
. "$(dirname -- "$0")/common.sh"
FOLDER=$(folder "${1:-}")
TH="$FOLDER/TH"
LA="$FOLDER/LA"
KH="$FOLDER/KH"
KEYS="$FOLDER/agency-keys"
TRUST="$FOLDER/trust"

# kid_of FILE: the key id in a public JWK file.
kid_of() {
  sed -n 's/.*"kid": *"\([^"]*\)".*/\1/p' "$1"
}

# 1. Add an agency while TH runs. The agency sends its public key; the operator registers it.
frx agency keygen --out "$KEYS/TH-LPD.private.jwk" >"$KEYS/TH-LPD.public.jwk"
frx agency add --dir "$TH" --id TH:LPD --name "Provincial labour office" \
  --roles labour_inspectorate --org-type LabourInspectorate --key "$KEYS/TH-LPD.public.jwk"

# 2. TH:LPD reports its key stolen. Revoke it as of when the leak began (here: now), together
#    with the replacement key it sends: later envelopes signed with the stolen key are refused
#    (jws.key-revoked), whatever time they claim; what TH stored before keeps its proof.
frx agency keygen --out "$KEYS/TH-LPD-2.private.jwk" >"$KEYS/TH-LPD-2.public.jwk"
frx agency revoke-key --dir "$TH" --id TH:LPD --kid "$(kid_of "$KEYS/TH-LPD.public.jwk")" \
  --new-key "$KEYS/TH-LPD-2.public.jwk"
frx agency list --dir "$TH"

# 3. Cambodia joins at version 2. Its operator creates the node and sends its member entry.
frx init --dir "$KH" --node KH --name "Cambodia national node" \
  --host 127.0.0.1 --port "$KH_PORT" --public-url "http://127.0.0.1:$KH_PORT"
frx trust member --dir "$KH" --out "$TRUST/KH-member.json"

# The proposer drafts version 2 from the list in force plus KH's entry; a quorum of version 1's
# members (here both) compares the digest and signs; each applies it to its running node.
frx trust propose --previous "$TRUST/trust-v1.json" --members "$TRUST/KH-member.json" \
  --out "$TRUST/trust-v2.json"
frx trust digest --in "$TRUST/trust-v2.json"
frx trust sign --dir "$TH" --in "$TRUST/trust-v2.json" --previous "$TRUST/trust-v1.json"
frx trust sign --dir "$LA" --in "$TRUST/trust-v2.json" --previous "$TRUST/trust-v1.json"
frx trust apply --dir "$TH" --in "$TRUST/trust-v2.json"
frx trust apply --dir "$LA" --in "$TRUST/trust-v2.json"

# KH has no version 1: its operator compares version 2's digest with the others over an
# independent channel and pins it (FRX-TRUST-030), then starts the node.
frx trust apply --dir "$KH" --in "$TRUST/trust-v2.json" --pin
sh "$(dirname -- "$0")/04-start.sh" "$FOLDER" KH

# 4. Read the outboxes: each peer's queue, transaction in flight, last error, dead letters.
frx peers --dir "$TH"
frx dead-letters list --dir "$TH"
frx trust show --dir "$TH"
