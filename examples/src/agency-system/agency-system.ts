import { readFile, rename, writeFile } from "node:fs/promises";
import {
  MessageType,
  type BodyOf,
  type FrxClient,
  type InboxItem,
  type ReferralRef,
} from "@frx/sdk";

type CreateBody = BodyOf<typeof MessageType.ReferralCreate>;
type DeclineReason = BodyOf<typeof MessageType.ReferralDecline>["reason"];

/** What an agency may take on: the case tracks it works, the powers it holds, the services it runs. */
export interface Mandate {
  tracks: readonly CreateBody["track"][];
  powers: readonly NonNullable<CreateBody["requestedPowers"]>[number][];
  services: readonly NonNullable<CreateBody["requestedServices"]>[number][];
}

/** One line of the agency system's log: what it did with one inbox item. */
export interface LogEntry {
  at: string;
  action: "acknowledged" | "accepted" | "declined" | "already-handled" | "noted" | "unverified";
  cursor: number;
  messageId: string;
  type?: string;
  from?: string;
  case?: string;
  referral?: string;
  /** The decline reason, or why an item was only noted. */
  reason?: string;
}

export interface AgencySystemOptions {
  /** An SDK client for this agency at its own node. */
  client: FrxClient;
  /** Where the inbox cursor is kept between runs (JSON). */
  stateFile: string;
  mandate: Mandate;
  /** The unit that handles referrals, named in every acknowledgement (never a person's name). */
  handlerRole: string;
  /** Receives each log entry; default: one JSON line on stdout. */
  log?: (entry: LogEntry) => void;
  /** How long one long-poll may wait for new items, in ms (default 25 000). */
  waitMs?: number;
  /** Keep polling an empty inbox (default true); false: stop once a read brings nothing new. */
  follow?: boolean;
}

/**
 * Decides a referral against the mandate: accept when its track, every power and every service
 * it asks for are within it; otherwise decline with a coded reason and a note saying why.
 *
 * @example decide(body, mandate) // { accept: false, reason: "no_jurisdiction", note: "…" }
 */
export function decide(
  body: CreateBody,
  mandate: Mandate,
): { accept: true } | { accept: false; reason: DeclineReason; note: string } {
  if (!mandate.tracks.includes(body.track))
    return { accept: false, reason: "no_jurisdiction", note: `track ${body.track} is not ours` };
  const power = body.requestedPowers?.find((p) => !mandate.powers.includes(p));
  if (power) return { accept: false, reason: "no_jurisdiction", note: `we do not hold ${power}` };
  const service = body.requestedServices?.find((s) => !mandate.services.includes(s));
  if (service)
    return { accept: false, reason: "no_capacity", note: `we do not provide ${service}` };
  return { accept: true };
}

/**
 * A minimal agency case system: it reads the agency's inbox from a cursor kept in a file,
 * acknowledges each new referral with its handler role, accepts it when it is within the
 * mandate and declines it with a coded reason when not, and logs what it did. Delivery is at
 * least once: the cursor is saved only after an item was handled, and handling is idempotent
 * (it asks the node, which is the authority, what the referral's state is before acting).
 *
 * @example const system = await AgencySystem.open({ client, stateFile, mandate, handlerRole }); await system.run(signal)
 */
export class AgencySystem {
  private constructor(
    private readonly o: AgencySystemOptions,
    private saved: number,
  ) {}

  /** Opens the system, resuming after the cursor saved in `stateFile` (0 when there is none). */
  static async open(options: AgencySystemOptions): Promise<AgencySystem> {
    let cursor = 0;
    try {
      const state = JSON.parse(await readFile(options.stateFile, "utf8")) as {
        participant?: string;
        cursor?: number;
      };
      if (state.participant !== options.client.participant)
        throw new Error(`${options.stateFile} belongs to ${state.participant}`);
      cursor = state.cursor ?? 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    return new AgencySystem(options, cursor);
  }

  /** The cursor of the last item handled and saved. */
  get cursor(): number {
    return this.saved;
  }

  /**
   * Handles the inbox until `signal` aborts (or, with `follow: false`, until it is empty); a
   * failure leaves its item to be read again.
   */
  async run(signal: AbortSignal): Promise<void> {
    const waitMs = this.o.waitMs ?? 25_000;
    const follow = this.o.follow ?? true;
    const inbox = this.o.client.inbox({ after: this.saved, waitMs, signal, follow });
    for await (const item of inbox) {
      await this.handle(item);
      await this.save(item.cursor);
      await inbox.ack(item.cursor);
    }
  }

  /** Handles one inbox item; safe to call again for an item already handled. */
  async handle(item: InboxItem): Promise<void> {
    if (!item.ok) return this.log(item, { action: "unverified", reason: item.error.code });
    const { message } = item;
    if (message.type !== MessageType.ReferralCreate || !message.referral)
      return this.log(item, { action: "noted" });
    const ref: ReferralRef = { case: message.case, referral: message.referral };
    const { referrals } = await this.o.client.cases.get(ref.case);
    const view = referrals.find((r) => r.referral === ref.referral);
    if (view?.state === "received" || view?.state === "expired") {
      await this.o.client.referrals.acknowledge(ref, { assignedHandlerRole: this.o.handlerRole });
      this.log(item, { action: "acknowledged" });
    }
    if (!view?.allowedActions.includes(MessageType.ReferralAccept))
      return this.log(item, { action: "already-handled", reason: view?.state ?? "unknown" });
    const decision = decide(message.body as CreateBody, this.o.mandate);
    if (decision.accept) {
      await this.o.client.referrals.accept(ref, { note: `Taken on by ${this.o.handlerRole}.` });
      return this.log(item, { action: "accepted" });
    }
    await this.o.client.referrals.decline(ref, { reason: decision.reason, note: decision.note });
    this.log(item, { action: "declined", reason: decision.reason });
  }

  /** Writes the cursor through a temporary file, so a crash never leaves half a file. */
  private async save(cursor: number): Promise<void> {
    const state = { participant: this.o.client.participant, cursor };
    const tmp = `${this.o.stateFile}.tmp`;
    await writeFile(tmp, JSON.stringify(state) + "\n");
    await rename(tmp, this.o.stateFile);
    this.saved = cursor;
  }

  private log(item: InboxItem, entry: Pick<LogEntry, "action" | "reason">): void {
    const m = item.ok ? item.message : undefined;
    const line: LogEntry = {
      at: new Date().toISOString(),
      ...entry,
      cursor: item.cursor,
      messageId: item.messageId,
      ...(m ? { type: m.type, from: m.from } : {}),
      ...(m?.case ? { case: m.case } : {}),
      ...(m?.referral ? { referral: m.referral } : {}),
    };
    (this.o.log ?? ((e) => console.log(JSON.stringify(e))))(line);
  }
}
