import { createHash, type KeyObject } from "node:crypto";
import { canonicalize } from "../codec/canonical-json.js";
import { jsonDepth, MAX_JSON_DEPTH } from "../codec/json-depth.js";
import { FrxError } from "../errors.js";
import { messageMeta, type AnyMessage } from "../generated/messages.js";
import { validateMessage } from "../validate/validator.js";
import { assertSignature, parseCompact, signCompact } from "./compact.js";
import type { Signer } from "./keys.js";
import { parseInstant } from "../time/instant.js";

export const ENVELOPE_TYP = "frx-envelope+jws";
export const DEFAULT_SKEW_SECONDS = 300;
/** The size every node must accept; larger envelopes may be refused with `envelope.too-large`. */
export const DEFAULT_MAX_ENVELOPE_BYTES = 256 * 1024;

/** A key the verifier knows, with the participant or node it belongs to. */
export interface ResolvedKey {
  key: KeyObject;
  owner: string;
  /** Objects signed after this instant no longer verify with the key; older ones still do. */
  retiredAt?: string;
}

/** Finds a key by `kid` (RFC 7638 thumbprint); undefined when none is known. */
export type KeyResolver = (
  kid: string,
) => ResolvedKey | undefined | Promise<ResolvedKey | undefined>;

export interface VerifyOptions {
  resolveKey: KeyResolver;
  /** The verifier's clock; injectable so tests and vectors can freeze time. */
  now?: Date;
  /** Tolerated clock difference for `sentAt` and `expiresAt`, in seconds (default 300). */
  skewSeconds?: number;
  /** Largest JWS accepted, in bytes (default 256 KiB). */
  maxBytes?: number;
}

export interface VerifiedEnvelope {
  message: AnyMessage;
  /** The signer's key id. */
  kid: string;
  /** SHA-256 (hex) of the JWS compact bytes received: what receipts echo and idempotency compares. */
  digest: string;
  jws: string;
}

const encoder = new TextEncoder();
// ignoreBOM keeps a leading BOM in the text, so the canonical comparison refuses it.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Signs an envelope: RFC 8785 canonical JSON as the payload of an Ed25519 compact JWS.
 * @example const jws = signEnvelope(envelope, createSigner(agencyPrivateJwk))
 */
export function signEnvelope(envelope: object, signer: Signer): string {
  return signCompact(encoder.encode(canonicalize(envelope)), ENVELOPE_TYP, signer);
}

/** SHA-256 hex digest of a JWS compact string. @example digestOf(jws) */
export function digestOf(jws: string): string {
  return createHash("sha256").update(jws, "ascii").digest("hex");
}

/**
 * Verifies a signed envelope and returns the message. The checks run in a fixed order and
 * each failure has its own code: JWS form and header (`jws.*`), payload JSON and canonical
 * form, key lookup, signature, the key's owner against `from`, the key's retirement, the
 * schema, then time (`envelope.expired`, `envelope.not-yet-valid`).
 *
 * @example const { message, digest } = await verifyEnvelope(jws, { resolveKey: directory.resolve })
 */
export async function verifyEnvelope(
  jws: string,
  options: VerifyOptions,
): Promise<VerifiedEnvelope> {
  if (typeof jws === "string" && jws.length > (options.maxBytes ?? DEFAULT_MAX_ENVELOPE_BYTES)) {
    throw new FrxError(
      "envelope.too-large",
      `the envelope is ${jws.length} bytes; the limit is ${options.maxBytes ?? DEFAULT_MAX_ENVELOPE_BYTES}`,
    );
  }
  const parsed = parseCompact(jws, ENVELOPE_TYP);
  const envelope = parseCanonicalObject(parsed.payload);
  const resolved = await options.resolveKey(parsed.header.kid);
  if (!resolved) throw new FrxError("jws.kid-unknown", `no key ${parsed.header.kid} is known`);
  assertSignature(parsed, resolved.key);
  // A node's own key (owner "TH") signs the notices the node sends as "TH:NODE".
  if (resolved.owner !== envelope.from && `${resolved.owner}:NODE` !== envelope.from) {
    throw new FrxError(
      "envelope.signer-mismatch",
      `key ${parsed.header.kid} belongs to ${resolved.owner}, not ${String(envelope.from)}`,
    );
  }
  const message = validateMessage(envelope);
  // Node notices (x-frx-sender: node) come only from <CC>:NODE; <CC>:NODE sends nothing else.
  const nodeOnly = messageMeta[message.type].sender === "node";
  if (nodeOnly !== message.from.endsWith(":NODE")) {
    throw new FrxError(
      "state.actor-forbidden",
      nodeOnly
        ? `only a node sends ${message.type}`
        : `${message.from} is a node and does not send ${message.type}`,
    );
  }
  if (
    resolved.retiredAt !== undefined &&
    parseInstant(message.sentAt, "/sentAt") > parseInstant(resolved.retiredAt)
  ) {
    throw new FrxError(
      "jws.key-retired",
      `key ${parsed.header.kid} was retired at ${resolved.retiredAt}, before sentAt`,
    );
  }
  checkTime(message.sentAt, message.expiresAt, options);
  return { message, kid: parsed.header.kid, digest: digestOf(jws), jws };
}

/** Decodes a JWS payload that must be a canonical JSON object. */
export function parseCanonicalObject(payload: Uint8Array): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    text = decoder.decode(payload);
  } catch {
    throw new FrxError("envelope.payload-not-json", "the signed payload is not UTF-8 JSON");
  }
  // Before anything recursive (canonicalize, the schema) sees it (FRX-JCS-005).
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    throw new FrxError(
      "envelope.too-deep",
      `the signed payload nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  try {
    value = JSON.parse(text);
  } catch {
    throw new FrxError("envelope.payload-not-json", "the signed payload is not UTF-8 JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FrxError("envelope.payload-not-json", "the signed payload is not a JSON object");
  }
  if (canonicalize(value) !== text) {
    throw new FrxError(
      "envelope.non-canonical",
      "the signed payload is not RFC 8785 canonical JSON",
    );
  }
  return value as Record<string, unknown>;
}

function checkTime(sentAt: string, expiresAt: string, options: VerifyOptions): void {
  const now = (options.now ?? new Date()).getTime();
  const skew = (options.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000;
  if (parseInstant(expiresAt, "/expiresAt") + skew < now)
    throw new FrxError("envelope.expired", `expired at ${expiresAt}`);
  if (parseInstant(sentAt, "/sentAt") - skew > now)
    throw new FrxError("envelope.not-yet-valid", `sentAt ${sentAt} is in the future`);
}
