import { MessageType, type AnyMessage, type ReferralRecord } from "@frx/spec";
import { getCase, type ReferralView } from "./cases.js";
import { FrxClientError } from "./errors.js";
import type { Http } from "./http.js";
import type { CallOptions } from "./options.js";

/** Names a referral: its case and its id (a `referrals.create` result is one). */
export interface ReferralRef {
  case: string;
  referral: string;
}

/**
 * What this client last knew of each referral: learnt from the messages it sent or read in
 * its inbox, else read from the node's case view (the authority).
 */
export class ReferralStates {
  private readonly known = new Map<string, ReferralRecord>();

  constructor(
    private readonly http: Http,
    private readonly participant: string,
  ) {}

  /** The last known state, or the node's view when nothing is known. */
  async get(ref: ReferralRef, call: CallOptions): Promise<ReferralRecord> {
    const known = this.known.get(ref.referral);
    if (known && known.case === ref.case) return known;
    return this.fetch(ref, call);
  }

  /** The node's current view of the referral, with what this participant may send now. */
  async fetch(ref: ReferralRef, call: CallOptions): Promise<ReferralView> {
    const view = await getCase(this.http, ref.case, call);
    const found = view.referrals.find((r) => r.referral === ref.referral);
    if (!found)
      throw new FrxClientError(
        "state.referral-unknown",
        `case ${ref.case} holds no referral ${ref.referral} visible to ${this.participant}`,
      );
    const { allowedActions: _allowed, ...record } = found;
    this.known.set(ref.referral, record);
    return found;
  }

  forget(referral: string): void {
    this.known.delete(referral);
  }

  /** Learns a referral's version from a message sent or received. */
  observe(message: AnyMessage): void {
    if (!message.referral || message.sequence === undefined || !message.case) return;
    const current = this.known.get(message.referral);
    if (current) {
      if (message.sequence > current.version)
        this.known.set(message.referral, { ...current, version: message.sequence });
      return;
    }
    if (message.type !== MessageType.ReferralCreate) return;
    const to = message.to[0];
    const recipient =
      message.from === this.participant && to && "participant" in to
        ? to.participant
        : this.participant;
    this.known.set(message.referral, {
      referral: message.referral,
      case: message.case,
      state: "received",
      version: message.sequence,
      referrer: message.from,
      recipient,
      urgency: String((message.body as { urgency?: unknown }).urgency ?? "routine"),
      updatedAt: message.sentAt,
    });
  }
}
