import {
  applyReferral,
  createSigner,
  digestOf,
  generateSigningKey,
  isFrxError,
  referralActor,
  signReceipt,
  type AnyMessage,
  type ReferralRecord,
  type Signer,
} from "@frx/spec";
import { ulid } from "../harness/ulid.js";
import type { PlantedItem } from "./inbox-items.js";
import type { Fault } from "./ledger.js";
import { problem } from "./status.js";
import type { ClientWorld } from "./world.js";

/**
 * What the stand-in node keeps of one scenario: the referrals of its planted items and those
 * the client moves, and the envelopes it stored with their receipts.
 */
export class StandInStore {
  readonly records: Map<string, ReferralRecord>;
  private readonly stored = new Map<string, { digest: string; receipt: string }>();

  constructor(
    private readonly world: ClientWorld,
    items: readonly PlantedItem[],
  ) {
    this.records = new Map(items.map((i) => [i.record.referral, i.record]));
  }

  /**
   * Idempotency, the referral machine, storage and the receipt, as a node does them: a
   * refusal, or the reply to send. `bad` makes the receipt one a client must refuse.
   */
  accept(
    message: AnyMessage,
    digest: string,
    jws: string,
    bad?: Fault,
  ): Response | { response: Response } {
    const known = this.stored.get(message.id);
    if (known && known.digest !== digest)
      return problem("idempotency.conflict", `envelope ${message.id} was stored with other bytes`);
    const reply = (status: "accepted" | "duplicate", receipt: string, deliveredTo: string[]) => ({
      response: Response.json(
        { status, messageId: message.id, receipt, deliveredTo, queuedFor: [] },
        { status: status === "accepted" ? 201 : 200 },
      ),
    });
    const to = message.to.flatMap((a) => ("participant" in a ? [a.participant as string] : []));
    if (known) return reply("duplicate", known.receipt, to);
    if (message.referral && message.case) {
      const current = this.records.get(message.referral);
      const actor = referralActor(current, message.from);
      if (!actor)
        return problem(
          "state.actor-forbidden",
          `${message.from} is no party to referral ${message.referral}`,
        );
      try {
        this.records.set(message.referral, applyReferral(current, message, actor, to[0]));
      } catch (error) {
        if (isFrxError(error)) return problem(error.code, error.message);
        throw error;
      }
    }
    const receipt = this.receiptFor(
      message,
      bad === "receipt-digest" ? digestOf(`${jws}.`) : digest,
      to,
      bad === "receipt-stranger"
        ? createSigner(generateSigningKey().privateJwk)
        : this.world.docs.signer,
    );
    this.stored.set(message.id, { digest, receipt });
    return reply("accepted", receipt, to);
  }

  private receiptFor(
    message: AnyMessage,
    digest: string,
    deliveredTo: string[],
    by: Signer,
  ): string {
    return signReceipt(
      {
        frx: "1",
        receiptId: ulid(),
        messageId: message.id,
        digest,
        receivedAt: new Date().toISOString(),
        node: this.world.node,
        status: "accepted",
        deliveredTo,
      },
      by,
    );
  }
}
