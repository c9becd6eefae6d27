#!/bin/sh
# Step 2 of 5: federate the two nodes under a genesis trust list that both sign.
#
#   sh 02-trust.sh FOLDER
#
# In real life the steps below are split between the two operators, and the files travel by
# e-mail or a shared drive; what matters is that the digest is compared over another channel
# (a phone call, a meeting, signed minutes). See docs/operator-guide.md, "Federation setup".
set -eu
. "$(dirname -- "$0")/common.sh"
FOLDER=$(folder "${1:-}")
TRUST="$FOLDER/trust"
mkdir -p "$TRUST"

# 1. Each operator prints its node's member entry (node id, endpoint, public keys only) and
#    sends it to the member who proposes the list.
for CC in TH LA; do
  frx trust member --dir "$FOLDER/$CC" --out "$TRUST/$CC-member.json"
done

# 2. The proposer (here TH) drafts version 1, the genesis. Without --quorum the quorum for the
#    next version is a majority of the active members: with two members, both.
frx trust propose --members "$TRUST/TH-member.json,$TRUST/LA-member.json" \
  --out "$TRUST/trust-v1.json" --expires-in-days 365

# 3. Each operator computes the digest of the file they received, on their own machine, and
#    reads it out to the other over the phone. Only when the two agree does anyone sign.
TH_DIGEST=$(frx trust digest --in "$TRUST/trust-v1.json" 2>/dev/null)
LA_DIGEST=$(frx trust digest --in "$TRUST/trust-v1.json" 2>/dev/null)
if [ "$TH_DIGEST" != "$LA_DIGEST" ]; then
  echo "the digests differ ($TH_DIGEST, $LA_DIGEST): do not sign; find out why" >&2
  exit 1
fi
echo "genesis digest, as both operators read it: $TH_DIGEST"

# 4. Every member of the genesis signs it (the node may be running or not). Each signature is
#    added to the same file, which goes from one operator to the next.
frx trust sign --dir "$FOLDER/TH" --in "$TRUST/trust-v1.json"
frx trust sign --dir "$FOLDER/LA" --in "$TRUST/trust-v1.json"

# 5. Each operator applies the signed list to their stopped node, pinning the genesis digest in
#    config.json (federation.genesisDigest). A later version needs no pin: it must be signed by
#    a quorum of this version's members and is applied without --pin.
for CC in TH LA; do
  frx trust apply --dir "$FOLDER/$CC" --in "$TRUST/trust-v1.json" --pin
done

frx trust show --dir "$FOLDER/TH"
echo
echo "next: sh $(dirname -- "$0")/03-agencies.sh $FOLDER"
