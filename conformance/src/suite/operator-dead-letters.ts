import { check } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { eventually } from "../harness/inbox.js";
import { ulid } from "../harness/ulid.js";
import { section } from "./define.js";
import {
  deliveredToPeer,
  deliveryFailed,
  scripted,
  sendToPeer,
  STATUS_503,
} from "./federation-support.js";
import { done, refusedStep } from "./operator-support.js";

/**
 * Dead letters, through the operator steps list-dead-letters, retry-dead-letter and
 * discard-dead-letter (docs/certification.md, "Operator steps"), and admin calls naming what the
 * node does not hold.
 */
const t = section("admin/dead-letters", "federation");
const core = section("admin/dead-letters", "core");

interface Listed {
  peer: string;
  messageId: string;
  reason: string;
}

/** The dead letters the operator lists; fails when the step prints anything but such a list. */
async function deadLetters(h: Harness): Promise<Listed[]> {
  const out = await done(h, { step: "list-dead-letters" }, "the listing of dead letters");
  check(
    Array.isArray(out) &&
      out.every(
        (d: unknown) =>
          typeof (d as Listed).peer === "string" && typeof (d as Listed).messageId === "string",
      ),
    `list-dead-letters printed no list of {peer, messageId, reason}: ${JSON.stringify(out).slice(0, 300)}`,
  );
  return out as Listed[];
}

/** Waits until the operator lists `id` as a dead letter for the harness peer. */
function listed(h: Harness, id: string): Promise<Listed> {
  const peer = h.kit.manifest.peer.node;
  return eventually(
    async () => (await deadLetters(h)).find((d) => d.peer === peer && d.messageId === id),
    `the dead letter ${id} for ${peer} in the operator's list`,
    10_000,
    250,
  );
}

export const operatorDeadLetterTests = [
  t("FRX-ADM-010", async (h) => {
    const peer = h.kit.manifest.peer.node;
    // A dead letter still within its lifetime (the peer refused it once) is queued again.
    const refused = await scripted(
      h,
      [{ kind: "reject", code: "policy.consent-scope" }],
      { kind: "accept" },
      async () => {
        const sent = await sendToPeer(h);
        await deliveryFailed(h, sent.id, 30_000);
        return sent;
      },
    );
    await listed(h, refused.id);
    await done(
      h,
      { step: "retry-dead-letter", peer, messageId: refused.id },
      "the retry of a dead letter that has not expired",
    );
    await deliveredToPeer(h, refused.id, 30_000);
    // One past its expiresAt is refused, and stays a dead letter.
    const expired = await scripted(h, [], STATUS_503, async () => {
      const sent = await sendToPeer(h, { expiresAt: new Date(Date.now() + 2_500).toISOString() });
      await deliveryFailed(h, sent.id, 30_000);
      return sent;
    });
    await listed(h, expired.id);
    await refusedStep(
      h,
      { step: "retry-dead-letter", peer, messageId: expired.id },
      "delivery.expired",
      "the retry of a dead letter past its expiresAt",
    );
    await listed(h, expired.id);
    await done(
      h,
      { step: "discard-dead-letter", peer, messageId: expired.id },
      "the discarding of the expired dead letter",
    );
    check(
      !(await deadLetters(h)).some((d) => d.peer === peer && d.messageId === expired.id),
      `the operator still lists ${expired.id} after discarding it`,
    );
  }),

  core("FRX-ADM-011", async (h) => {
    const peer = h.kit.manifest.peer.node;
    const unknown = ulid();
    for (const action of ["retry-dead-letter", "discard-dead-letter"] as const) {
      await refusedStep(
        h,
        { step: action, peer, messageId: unknown },
        "request.not-found",
        `${action} of ${unknown}, which the node never held`,
      );
      await refusedStep(
        h,
        { step: action, peer: "ZZ", messageId: unknown },
        "request.not-found",
        `${action} for ZZ, a peer the node does not hold`,
      );
    }
    const agency = `${h.node.id}:CONF-NONE-${ulid().slice(-8)}`;
    await refusedStep(
      h,
      { step: "update-agency", change: { id: agency, name: "Nobody" } },
      "request.not-found",
      `a change of ${agency}, which is not registered`,
    );
    await refusedStep(
      h,
      { step: "disable-agency", id: agency },
      "request.not-found",
      `disabling ${agency}, which is not registered`,
    );
  }),
];
