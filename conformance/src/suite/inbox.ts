import { check, same } from "../harness/check.js";
import { inboxItems, waitForInbox } from "../harness/inbox.js";
import { section } from "./define.js";
import { openReferral } from "./referrals.js";

const t = section("agency-api/inbox", "core");

export const inboxTests = [
  t("FRX-SIG-019", async (h) => {
    const jws = h.sign(h.envelope("case-notify-ok"));
    const id = h.idOf(jws);
    await h.accepted(jws);
    const item = await waitForInbox(h, "VS", (i) => i.messageId === id, `message ${id}`, 5_000);
    same(item.jws, jws, "the JWS in the recipient's inbox (byte for byte)");
    same(
      (await inboxItems(h, "POL", (i) => i.messageId === id)).length,
      0,
      "copies in a non-recipient's inbox",
    );
    // Acknowledged items leave the inbox.
    const ack = await h.call("POST", "/v1/inbox/ack", {
      as: "VS",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cursors: [item.cursor] }),
    });
    check(ack.status === 200, `ack answered HTTP ${ack.status}: ${ack.text.slice(0, 200)}`);
    same(
      (await inboxItems(h, "VS", (i) => i.messageId === id)).length,
      0,
      "the acknowledged item still listed",
    );
  }),

  t("FRX-MSG-006", async (h) => {
    // A node notice about an existing referral, written and signed by an agency.
    const r = await openReferral(h);
    const forged = h.envelope("deadline-overdue-forged-fail", {
      case: r.caseId,
      referral: r.referral,
    });
    await h.refused(h.sign(forged), "state.actor-forbidden");
  }),
];
