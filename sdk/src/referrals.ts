import { MessageType, type AnyMessage, type BodyOf, type ReferralRecord } from "@frx/spec";
import type { MessageInput, SendInput } from "./envelope.js";
import { isFrxClientError } from "./errors.js";
import type { Http } from "./http.js";
import type { CallOptions, ResolvedOptions } from "./options.js";
import { ReferralStates, type ReferralRef } from "./referral-state.js";
import type { SendResult, Sender } from "./send.js";

export type { ReferralRef };

type Create = typeof MessageType.ReferralCreate;

/** The messages either party sends within an existing referral. */
export type ReferralThreadType =
  | typeof MessageType.ReferralAcknowledge
  | typeof MessageType.ReferralAccept
  | typeof MessageType.ReferralDecline
  | typeof MessageType.ReferralRedirect
  | typeof MessageType.ReferralUpdate
  | typeof MessageType.ReferralClose
  | typeof MessageType.ReferralWithdraw
  | typeof MessageType.ReferralReopen;

/** `referrals.create` input: `case` and `referral` are minted when not given; sequence is 1. */
export type ReferralCreateInput = Omit<SendInput<Create>, "case" | "referral" | "sequence"> & {
  case?: string;
  referral?: string;
};

/**
 * Envelope members of a thread message the helper would otherwise choose: the other party as
 * recipient, purpose `case_coordination`, legal basis `public_task`, tier T1, and the next
 * `sequence` (given explicitly, a stale one is refused rather than sent again at the head).
 */
export type ThreadOptions = CallOptions &
  Partial<
    Pick<
      MessageInput<Create>,
      | "to"
      | "purpose"
      | "legalBasis"
      | "tier"
      | "inReplyTo"
      | "attachments"
      | "expiresInDays"
      | "id"
    >
  > & { sequence?: number };

/**
 * Referral threads without bookkeeping: ids are minted, and each reply carries the case, the
 * referral, the counterpart and the next `sequence` from the last known state (what this
 * client sent or read in its inbox, else the node's case view). When the counterpart moved
 * the referral meanwhile, the node refuses the stale sequence; the helper then reads the case
 * view and sends once more at the new head if the machine still allows the action there.
 */
export class Referrals {
  private readonly states: ReferralStates;

  constructor(
    private readonly sender: Sender,
    http: Http,
    private readonly o: ResolvedOptions,
  ) {
    this.states = new ReferralStates(http, o.participant);
  }

  /** @example const ref = await client.referrals.create({ to: [{ participant: "TH:DSDW" }], purpose: "victim_assistance", legalBasis: { code: "consent" }, tier: "T2", body }) */
  async create(input: ReferralCreateInput): Promise<SendResult<Create> & ReferralRef> {
    const caseId = input.case ?? `${this.o.participant}:${this.o.ids()}`;
    const referral = input.referral ?? this.o.ids();
    const result = await this.sender.send(MessageType.ReferralCreate, {
      ...input,
      case: caseId,
      referral,
      sequence: 1,
    } as SendInput<Create>);
    this.states.observe(result.message);
    return { ...result, case: caseId, referral };
  }

  /** @example await client.referrals.acknowledge(ref, { assignedHandlerRole: "shelter case manager" }) */
  acknowledge(
    ref: ReferralRef,
    body: BodyOf<typeof MessageType.ReferralAcknowledge>,
    options?: ThreadOptions,
  ): Promise<SendResult<typeof MessageType.ReferralAcknowledge>> {
    return this.reply(MessageType.ReferralAcknowledge, ref, body, options);
  }
  /** @example await client.referrals.accept(ref, { note: "first contact within 2 days" }) */
  accept(
    ref: ReferralRef,
    body: BodyOf<typeof MessageType.ReferralAccept>,
    options?: ThreadOptions,
  ): Promise<SendResult<typeof MessageType.ReferralAccept>> {
    return this.reply(MessageType.ReferralAccept, ref, body, options);
  }
  /** @example await client.referrals.decline(ref, { reason: "no_capacity" }) */
  decline(
    ref: ReferralRef,
    body: BodyOf<typeof MessageType.ReferralDecline>,
    options?: ThreadOptions,
  ): Promise<SendResult<typeof MessageType.ReferralDecline>> {
    return this.reply(MessageType.ReferralDecline, ref, body, options);
  }
  /** @example await client.referrals.redirect(ref, { to: { participant: "TH:DOE-REG" }, reason: "no_jurisdiction", note: "Licensing decides this." }) */
  redirect(
    ref: ReferralRef,
    body: BodyOf<typeof MessageType.ReferralRedirect>,
    options?: ThreadOptions,
  ): Promise<SendResult<typeof MessageType.ReferralRedirect>> {
    return this.reply(MessageType.ReferralRedirect, ref, body, options);
  }
  /** @example await client.referrals.update(ref, { progress: "shelter placement arranged" }) */
  update(
    ref: ReferralRef,
    body: BodyOf<typeof MessageType.ReferralUpdate>,
    options?: ThreadOptions,
  ): Promise<SendResult<typeof MessageType.ReferralUpdate>> {
    return this.reply(MessageType.ReferralUpdate, ref, body, options);
  }
  /** @example await client.referrals.close(ref, { outcome: "services_delivered" }) */
  close(
    ref: ReferralRef,
    body: BodyOf<typeof MessageType.ReferralClose>,
    options?: ThreadOptions,
  ): Promise<SendResult<typeof MessageType.ReferralClose>> {
    return this.reply(MessageType.ReferralClose, ref, body, options);
  }
  /** @example await client.referrals.withdraw(ref, { reason: "duplicate" }) */
  withdraw(
    ref: ReferralRef,
    body: BodyOf<typeof MessageType.ReferralWithdraw>,
    options?: ThreadOptions,
  ): Promise<SendResult<typeof MessageType.ReferralWithdraw>> {
    return this.reply(MessageType.ReferralWithdraw, ref, body, options);
  }
  /** @example await client.referrals.reopen(ref, { reason: "new_information" }) */
  reopen(
    ref: ReferralRef,
    body: BodyOf<typeof MessageType.ReferralReopen>,
    options?: ThreadOptions,
  ): Promise<SendResult<typeof MessageType.ReferralReopen>> {
    return this.reply(MessageType.ReferralReopen, ref, body, options);
  }

  /** Any thread message, with the members filled in as above. */
  async reply<T extends ReferralThreadType>(
    type: T,
    ref: ReferralRef,
    body: BodyOf<T>,
    options: ThreadOptions = {},
  ): Promise<SendResult<T>> {
    const call = callOf(options);
    const attempt = async (state: ReferralRecord): Promise<SendResult<T>> => {
      const result = await this.sender.send(type, this.input<T>(ref, body, options, state));
      this.states.observe(result.message);
      return result;
    };
    try {
      return await attempt(await this.states.get(ref, call));
    } catch (error) {
      if (!isFrxClientError(error) || !error.code.startsWith("state.")) throw error;
      this.states.forget(ref.referral);
      // Someone moved the referral since we last looked: send at the new head, but only if
      // the machine still allows this action in the state the node now reports.
      if (error.code !== "state.sequence-conflict" || options.sequence !== undefined) throw error;
      const fresh = await this.states.fetch(ref, call);
      if (!fresh.allowedActions.includes(type)) throw error;
      return attempt(fresh);
    }
  }

  /** Feeds messages read elsewhere (the inbox does) into the known states. */
  observe(message: AnyMessage): void {
    this.states.observe(message);
  }

  private input<T extends ReferralThreadType>(
    ref: ReferralRef,
    body: BodyOf<T>,
    options: ThreadOptions,
    state: ReferralRecord,
  ): SendInput<T> {
    const { to, purpose, legalBasis, tier, sequence, ...rest } = options;
    const counterpart = state.referrer === this.o.participant ? state.recipient : state.referrer;
    return {
      ...rest,
      to: to ?? [{ participant: counterpart }],
      case: ref.case,
      referral: ref.referral,
      sequence: sequence ?? state.version + 1,
      purpose: purpose ?? "case_coordination",
      legalBasis: legalBasis ?? { code: "public_task" },
      tier: tier ?? "T1",
      body,
    } as SendInput<T>;
  }
}

function callOf(options: CallOptions): CallOptions {
  return {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
