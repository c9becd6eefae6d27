import {
  nodeMessageTypes,
  type AgencyMessageType,
  type BodyOf,
  type MessageOf,
  type MessageType,
} from "@frx/spec";
import type { CallOptions, ResolvedOptions } from "./options.js";

/**
 * The notices only a node sends (the spec's x-frx-sender: node); an agency cannot send them.
 *
 * @example if ((NODE_ONLY_TYPES as readonly string[]).includes(message.type)) showAsSystemNotice(message)
 */
export const NODE_ONLY_TYPES = nodeMessageTypes;

/** The message types an agency may send. */
export type { AgencyMessageType };

/** The members the client fills in itself. */
type Filled = "frx" | "id" | "type" | "from" | "sentAt" | "expiresAt" | "body";

/**
 * What a caller gives to send a message of type `T`: addressing, case and thread members as
 * the type's schema requires them (e.g. `case` and `referral` for referral.*), purpose, legal
 * basis, tier, and a body typed by the spec's generated `BodyOf<T>`.
 */
export type MessageInput<T extends MessageType> = Omit<MessageOf<T>, Filled> & {
  body: BodyOf<T>;
  /** Days until `expiresAt` (default 30). */
  expiresInDays?: number;
  /** The message id, for callers that mint and store it before sending (default a new ULID). */
  id?: string;
};

/** `MessageInput` plus per-call timeout and abort. */
export type SendInput<T extends MessageType> = MessageInput<T> & CallOptions;

const DAY_MS = 86_400_000;

/**
 * The envelope for an input: `frx`, `id`, `type`, `from`, `sentAt` and `expiresAt` filled in,
 * call options dropped. Members the caller left undefined are left out, so the canonical form
 * never carries `null`s.
 *
 * @example const envelope = buildEnvelope(MessageType.CaseNotify, input, options)
 */
export function buildEnvelope<T extends MessageType>(
  type: T,
  input: SendInput<T>,
  o: Pick<ResolvedOptions, "participant" | "clock" | "ids">,
): MessageOf<T> {
  const {
    expiresInDays = 30,
    id,
    timeoutMs: _timeoutMs,
    signal: _signal,
    ...members
  } = input as SendInput<T> & Record<string, unknown>;
  if (!(expiresInDays > 0)) throw new TypeError("expiresInDays must be positive");
  const now = o.clock.now();
  const envelope: Record<string, unknown> = {
    frx: "1",
    id: id ?? o.ids(),
    type,
    from: o.participant,
    sentAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + expiresInDays * DAY_MS).toISOString(),
  };
  for (const [key, value] of Object.entries(members)) {
    if (value !== undefined) envelope[key] = value;
  }
  return envelope as MessageOf<T>;
}
