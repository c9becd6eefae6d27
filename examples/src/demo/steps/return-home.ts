import { isFrxClientError } from "@frx/sdk";
import { MessageType } from "@frx/spec";
import { fixtureBody, fixtureEnvelope, type Scene } from "../context.js";
import { claimUpdate, showClaim } from "./wage-claim.js";

/** The case view's owner field: the agency holding the case's authority (FRX-MSG-013). */
const ownerAt = async (s: Scene, who: string) =>
  ((await s.as(who).cases.get(s.caseId)) as unknown as { owner: string }).owner;

/**
 * The deckhand goes home: the Thai shelter closes its referral, the Thai inspectorate
 * transfers the case to the Lao ministry (which now holds its authority: the old owner can no
 * longer pass it on), the balance of the wage claim is paid in Laos, and the Thai court's
 * summons to testify reopens the shelter referral.
 */
export async function returnHome(s: Scene): Promise<void> {
  s.tl.section("Return home", "the shelter closes, the case moves to Laos, the claim follows");
  const shelter = s.refs.get("shelter")!;
  const dsdw = s.as("TH:DSDW");
  const update = await dsdw.referrals.update(shelter, fixtureBody(MessageType.ReferralUpdate));
  s.tl.sent("TH:DSDW", ["TH:DOE"], MessageType.ReferralUpdate, "✓ shelter, health, interpreter");
  await s.arrives(update.messageId, ["TH:DOE"], "TH:DSDW", MessageType.ReferralUpdate);
  const close = await dsdw.referrals.close(shelter, fixtureBody(MessageType.ReferralClose));
  s.tl.sent("TH:DSDW", ["TH:DOE"], MessageType.ReferralClose, "✓ closed: person_returned_home");
  await s.arrives(close.messageId, ["TH:DOE"], "TH:DSDW", MessageType.ReferralClose);

  s.tl.note(`case owner before: ${await ownerAt(s, "TH:DOE")}`);
  const transfer = fixtureEnvelope(MessageType.CaseTransfer);
  const t = await s.send("TH:DOE", MessageType.CaseTransfer, {
    ...transfer,
    case: s.caseId,
    to: [{ participant: "LA:MOLSW" }],
    body: { ...transfer.body, effectiveOn: new Date().toISOString().slice(0, 10) },
  });
  await s.arrives(t, ["LA:MOLSW"], "TH:DOE", MessageType.CaseTransfer);
  s.tl.note(
    `case owner now: ${await ownerAt(s, "TH:DOE")} at TH, ${await ownerAt(s, "LA:MOLSW")} at LA`,
  );
  try {
    await s.send("TH:DOE", MessageType.CaseTransfer, {
      ...transfer,
      case: s.caseId,
      to: [{ participant: "KH:MOLVT" }],
      body: { ...transfer.body, newOwner: "KH:MOLVT" },
    });
    throw new Error("TH:DOE passed on a case it no longer owns");
  } catch (error) {
    if (!isFrxClientError(error) || error.code !== "state.actor-forbidden") throw error;
    s.tl.note("TH:DOE can no longer pass the case on: the authority is LA:MOLSW's");
  }

  await claimUpdate(s, "LA:MOLSW", "TH:DOE", {
    status: "paid",
    amountAwarded: { amount: "54000.00", currency: "THB" },
    amountPaid: { amount: "54000.00", currency: "THB" },
    paidAt: new Date().toISOString(),
    note: "Balance recovered from the guarantee deposit, paid into the worker's account in Savannakhet.",
  });
  await showClaim(s, "LA:MOLSW");

  const to = ["LA:MOLSW", "TH:DSDW"];
  const summons = await s.send("TH:ATPD", MessageType.ProceedingsNotify, {
    ...fixtureEnvelope(MessageType.ProceedingsNotify),
    case: s.caseId,
    to: to.map((participant) => ({ participant })),
  });
  await s.arrives(summons, to, "TH:ATPD", MessageType.ProceedingsNotify);
  const reopen = await s
    .as("TH:DOE")
    .referrals.reopen(shelter, fixtureBody(MessageType.ReferralReopen));
  s.tl.sent("TH:DOE", ["TH:DSDW"], MessageType.ReferralReopen, "✓ shelter during the trial");
  await s.arrives(reopen.messageId, ["TH:DSDW"], "TH:DOE", MessageType.ReferralReopen);
}
