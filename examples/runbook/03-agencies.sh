#!/bin/sh
# Step 3 of 5: register two agencies at each node.
#
#   sh 03-agencies.sh FOLDER
#
# An agency makes its own key pair and keeps the private half (agency keygen stands in for the
# agency's system here; the SDK's generateAgencyKey() does the same). It hands the operator the
# public JWK only. The operator registers it with the roles, organisation type and legal powers
# the agency holds under national law: the policy firewall and the routing of mandate addresses
# read exactly these. See docs/operator-guide.md, "Registering agencies". The nodes may be
# stopped or running (06-operate.sh adds one to a running node).
set -eu
. "$(dirname -- "$0")/common.sh"
FOLDER=$(folder "${1:-}")
KEYS="$FOLDER/agency-keys"
mkdir -p "$KEYS"
chmod 700 "$KEYS"

# add_agency ID NAME ROLES ORG_TYPE POWERS
add_agency() {
  FILE=$(echo "$1" | tr ':' '-')
  CC=${1%%:*}
  # The agency's side: a private key it keeps (mode 0600) and a public JWK it sends.
  frx agency keygen --out "$KEYS/$FILE.private.jwk" >"$KEYS/$FILE.public.jwk"
  # The operator's side: register the public key with the agency's mandate.
  frx agency add --dir "$FOLDER/$CC" --id "$1" --name "$2" --roles "$3" --org-type "$4" \
    --powers "$5" --key "$KEYS/$FILE.public.jwk"
}

add_agency TH:DOE "Department of Labour Protection and Welfare" \
  labour_inspectorate LabourInspectorate workplace_inspection,wage_recovery_order,administrative_fine
add_agency TH:DSDW "Department of Social Development and Welfare" \
  victim_services CentralGovernmentOrganisation victim_protection
add_agency LA:MOLSW "Ministry of Labour and Social Welfare" \
  labour_inspectorate,recruitment_regulator,victim_services LabourInspectorate \
  workplace_inspection,victim_protection,repatriation_assistance
add_agency LA:ATD "Anti-Human Trafficking Department" \
  anti_trafficking_police LawEnforcement arrest,criminal_investigation

for CC in TH LA; do
  frx agency list --dir "$FOLDER/$CC"
done
echo
echo "private agency keys are in $KEYS: hand each to its agency's system, never to anyone else"
echo "next: sh $(dirname -- "$0")/04-start.sh $FOLDER"
