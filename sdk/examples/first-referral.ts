import { createClient, type PrivateJwk } from "@frx/sdk";

/** TH:DOE, the labour inspectorate, refers a worker it found at sea to victim services. */
export async function sendFirstReferral(nodeUrl: string, privateKey: PrivateJwk) {
  const client = createClient({ nodeUrl, node: "TH", participant: "TH:DOE", privateKey });
  try {
    const referral = await client.referrals.create({
      to: [{ participant: "TH:DSDW" }],
      purpose: "victim_assistance",
      legalBasis: { code: "consent" },
      tier: "T1",
      body: {
        reason: "AdditionalServicesRequired",
        track: "remedy",
        urgency: "urgent",
        viewProfile: "service_provider_min",
        summary: "Deckhand taken off a trawler after seven months at sea; needs shelter.",
        consent: {
          consentId: client.newId(),
          obtainedFrom: "individual",
          obtainedAt: "2026-03-02T08:40:00Z",
          flags: { services: true, disclosure: true, reporting: true, tracing: false },
          audiences: ["service_providers"],
          informed: { purpose: true, uses: true, retention: true, withdrawal: true },
        },
      },
    });
    const { node, receivedAt } = referral.receipt; // verified: signed by the node, our digest
    console.log(`referral ${referral.referral} in case ${referral.case}: ${node} ${receivedAt}`);
    return referral;
  } finally {
    await client.close();
  }
}
