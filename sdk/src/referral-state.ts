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

/** Referrals remembered at most; the least recently used are forgotten first. */
export const REFERRAL_STATES_LIMIT = 10_000;

/**
 * What this client last knew of each referral: learnt from the messages it sent or read in
 * its inbox, else read from the node's case view (the authority). At most `limit` referrals
 * are remembered (least recently used forgotten first), so a client that runs for months does
 * not grow without end; a forgotten referral is read from the node again when next needed.
 */
export class ReferralStates {
  private readonly known = new Map<string, ReferralRecord>();

  constructor(
    private readonly http: Http,
    private readonly participant: string,
    private readonly limit = REFERRAL_STATES_LIMIT,
  ) {}

  /** How many referrals are remembered now. */
  get size(): number {
    return this.known.size;
  }

  private remember(record: ReferralRecord): void {
    this.known.delete(record.referral);
    this.known.set(record.referral, record);
    if (this.known.size > this.limit) this.known.delete(this.known.keys().next().value!);
  }

  /** The last known state, or the node's view when nothing is known. */
  async get(ref: ReferralRef, call: CallOptions): Promise<ReferralRecord> {
    const known = this.known.get(ref.referral);
    if (known && known.case === ref.case) {
      this.remember(known);
      return known;
    }
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
    this.remember(record);
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
        this.remember({ ...current, version: message.sequence });
      return;
    }
    if (message.type !== MessageType.ReferralCreate) return;
    const to = message.to[0];
    const recipient =
      message.from === this.participant && to && "participant" in to
        ? to.participant
        : this.participant;
    this.remember({
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
