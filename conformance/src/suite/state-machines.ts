import { same } from "../harness/check.js";
import { inboxItems, referralView } from "../harness/inbox.js";
import { ulid } from "../harness/ulid.js";
import { section } from "./define.js";
import { makeParty } from "./parties.js";
import {
  byRecipient,
  byReferrer,
  consentWithdrawOf,
  moveOf,
  openReferral,
  step,
} from "./referrals.js";

const t = section("state-machines", "core");

export const stateTests = [
  t(
    "FRX-REF-001",
    async (h) => {
      const a = await openReferral(h);
      same(
        (await referralView(h, "LI", a.caseId, a.referral)).state,
        "received",
        "state after referral.create",
      );
      await step(h, a, "referral-acknowledge-ok", 2, "acknowledged");
      await step(h, a, "referral-accept-ok", 3, "accepted");
      await step(h, a, "referral-update-ok", 4, "in_progress");
      await step(h, a, "referral-update-ok", 5, "in_progress", byReferrer(h));
      await step(h, a, "referral-close-ok", 6, "closed");
      await step(h, a, "referral-reopen-ok", 7, "in_progress");
      await step(h, a, "referral-close-ok", 8, "closed");
      await step(h, a, "referral-reopen-ok", 9, "in_progress", byRecipient(h));
      const b = await openReferral(h);
      await step(h, b, "referral-decline-ok", 2, "declined");
      const c = await openReferral(h);
      await step(h, c, "referral-acknowledge-ok", 2, "acknowledged");
      await step(h, c, "referral-redirect-ok", 3, "redirected");
      const d = await openReferral(h);
      await step(h, d, "referral-accept-ok", 2, "accepted");
      await step(h, d, "referral-withdraw-ok", 3, "withdrawn");
      const e = await openReferral(h);
      await step(h, e, "referral-withdraw-ok", 2, "withdrawn");
      const f = await openReferral(h);
      await h.accepted(h.sign(consentWithdrawOf(h, f, 2)));
      same(
        (await referralView(h, "LI", f.caseId, f.referral)).state,
        "consent_withdrawn",
        "state after consent.withdraw",
      );
    },
    { covers: ["FRX-REF-007"] },
  ),

  t("FRX-REF-002", async (h) => {
    const a = await openReferral(h);
    await h.refused(h.sign({ ...a.create, id: ulid() }), "state.referral-exists");
  }),

  t("FRX-REF-003", async (h) => {
    const a = await openReferral(h);
    await h.refused(
      h.sign(moveOf(h, a, "referral-accept-ok", 2, { referral: ulid() })),
      "state.referral-unknown",
    );
    // A case the sender opens (FRX-MSG-011), in which the referral is unknown.
    const otherCase = `${h.id("VS")}:${ulid()}`;
    await h.refused(
      h.sign(moveOf(h, a, "referral-accept-ok", 2, { case: otherCase })),
      "state.referral-unknown",
    );
  }),

  t("FRX-REF-004", async (h) => {
    const a = await openReferral(h);
    await h.refused(h.sign(moveOf(h, a, "referral-close-ok", 2)), "state.transition-forbidden");
    await h.refused(h.sign(moveOf(h, a, "referral-update-ok", 2)), "state.transition-forbidden");
    await h.refused(
      h.sign(moveOf(h, a, "referral-reopen-ok", 2, byRecipient(h))),
      "state.transition-forbidden",
    );
    await step(h, a, "referral-decline-ok", 2, "declined");
    await h.refused(h.sign(moveOf(h, a, "referral-accept-ok", 3)), "state.transition-forbidden");
    await h.refused(h.sign(moveOf(h, a, "referral-withdraw-ok", 3)), "state.transition-forbidden");
  }),

  t("FRX-REF-005", async (h) => {
    const a = await openReferral(h);
    await h.refused(
      h.sign(moveOf(h, a, "referral-accept-ok", 2, byReferrer(h))),
      "state.actor-forbidden",
    );
    await h.refused(
      h.sign(moveOf(h, a, "referral-withdraw-ok", 2, byRecipient(h))),
      "state.actor-forbidden",
    );
    // A party to the case (FRX-MSG-010), but no actor of the referral.
    await makeParty(h, a.caseId, "POL");
    const outsider = {
      from: h.id("POL"),
      to: [{ participant: h.id("LI") }],
      purpose: "victim_assistance",
    };
    await h.refused(
      h.sign(moveOf(h, a, "referral-accept-ok", 2, outsider)),
      "state.actor-forbidden",
    );
  }),

  t("FRX-REF-006", async (h) => {
    const a = await openReferral(h);
    await h.refused(h.sign(moveOf(h, a, "referral-accept-ok", 3)), "state.sequence-conflict");
    await h.refused(h.sign(moveOf(h, a, "referral-accept-ok", 1)), "state.sequence-conflict");
    await step(h, a, "referral-accept-ok", 2, "accepted");
    await h.refused(h.sign(moveOf(h, a, "referral-update-ok", 2)), "state.sequence-conflict");
  }),

  t("FRX-REF-008", async (h) => {
    const a = await openReferral(h);
    await makeParty(h, a.caseId, "POL");
    const outsider = {
      from: h.id("POL"),
      to: [{ participant: h.id("LI") }],
      purpose: "victim_assistance",
    };
    // Transition (2) before actor (3): no close out of `received`, whoever sends it.
    await h.refused(
      h.sign(moveOf(h, a, "referral-close-ok", 2, outsider)),
      "state.transition-forbidden",
    );
    // Actor (3) before sequence (4).
    await h.refused(
      h.sign(moveOf(h, a, "referral-accept-ok", 7, byReferrer(h))),
      "state.actor-forbidden",
    );
    // Existence (1) before everything: an unknown referral with a wrong actor and sequence.
    await h.refused(
      h.sign(moveOf(h, a, "referral-accept-ok", 9, { ...outsider, referral: ulid() })),
      "state.referral-unknown",
    );
  }),

  t("FRX-REF-011", async (h) => {
    const a = await openReferral(h);
    await step(h, a, "referral-accept-ok", 2, "accepted");
    const update = h.envelope("case-update-decisions-ok", { case: a.caseId });
    await h.accepted(h.sign(update));
    const view = await referralView(h, "LI", a.caseId, a.referral);
    same(
      [view.state, view.version],
      ["accepted", 2],
      "referral state and version after a case-level decision",
    );
  }),

  t("FRX-MSG-002", async (h) => {
    const r = await openReferral(h);
    await step(h, r, "referral-acknowledge-ok", 2, "acknowledged");
    const redirect = moveOf(h, r, "referral-redirect-ok", 3);
    const to = { node: h.node.id, role: "anti_trafficking_police" };
    await h.accepted(h.sign({ ...redirect, body: { ...redirect.body, to } }));
    // The address named (POL and IMM hold that role) gets nothing of the case.
    for (const as of ["POL", "IMM"] as const)
      same(
        (await inboxItems(h, as, (i) => i.envelope.case === r.caseId)).map((i) => i.envelope.type),
        [],
        `what ${h.id(as)}, named by the redirect, received of the case`,
      );
  }),
];
