import type { MessageType } from "../generated/codes.js";
import { instantMs, parseInstant } from "../time/instant.js";
import type { ConsentView, PolicyContext } from "./context.js";
import type { SensitiveField } from "./fields.js";

/** A judged field with the person it belongs to, if any (policy.md, Rule 1; FRX-POL-039). */
export interface OwnedField extends SensitiveField {
  /** The `personRef` of the nearest enclosing object that has one. */
  owner?: string;
}

interface Judged {
  type: MessageType;
  sentAt: string;
  body: Record<string, unknown>;
}

/**
 * Attributes each field to its person: the nearest enclosing object (the field itself
 * included) with a string `personRef`. A field whose value is an array of persons (such as
 * `/body/persons`) is judged as one field per person, so that no person's withdrawal or
 * missing consent reaches the others.
 *
 * @example ownedFields(message, sensitiveFields(message)) // [{ pointer: "/body/persons/0", tags: ["pseudonym"], owner: "pp_…" }, …]
 */
export function ownedFields(message: object, fields: readonly SensitiveField[]): OwnedField[] {
  return fields.flatMap((field) => {
    const value = valueAt(message, field.pointer);
    if (Array.isArray(value) && value.length > 0 && value.every((v) => personRefOf(v)))
      return value.map((v, i) => ({
        pointer: `${field.pointer}/${i}`,
        tags: field.tags,
        owner: personRefOf(v)!,
      }));
    const owner = ownerAt(message, field.pointer);
    return [{ ...field, ...(owner ? { owner } : {}) }];
  });
}

/**
 * The consents that apply to a field (FRX-POL-012, FRX-POL-039): for a person's field, that
 * person's consent (the message's own when it is for that person, else the one on record,
 * keeping a withdrawal on record unless the message is the `consent.record` that replaces
 * it); for a field of no person, the message's own consent, else every consent on record.
 * `undefined` in the list stands for a consent that is absent or expired.
 */
export function consentsFor(
  message: Judged,
  context: PolicyContext,
  field: OwnedField,
  persons: ReadonlySet<string>,
): Array<ConsentView | undefined> {
  const own = ownConsent(message);
  const onRecord = context.consents ?? {};
  if (field.owner === undefined) {
    if (own) return [live(own, message)];
    const all = Object.values(onRecord);
    return all.length > 0 ? all.map((c) => live(c, message)) : [undefined];
  }
  const recorded = onRecord[field.owner];
  const ownIsFor =
    own && (own.personRef === field.owner || (own.personRef === undefined && persons.size === 1));
  if (!ownIsFor) return [live(recorded, message)];
  if (recorded?.withdrawn && message.type !== "consent.record")
    return [live({ ...own, withdrawn: recorded.withdrawn }, message)];
  return [live(own, message)];
}

/** Every person a message names by `personRef`. */
export function personsOf(fields: readonly OwnedField[]): Set<string> {
  return new Set(fields.flatMap((f) => (f.owner ? [f.owner] : [])));
}

function ownConsent(message: Judged): (ConsentView & { personRef?: string }) | undefined {
  const own = message.body.consent;
  return own && typeof own === "object" ? (own as ConsentView & { personRef?: string }) : undefined;
}

/** An expired consent covers nothing; an expiresAt that is not an instant counts as expired (FRX-ENV-031). */
function live(consent: ConsentView | undefined, message: Judged): ConsentView | undefined {
  if (
    consent?.expiresAt !== undefined &&
    (instantMs(consent.expiresAt) ?? -Infinity) < parseInstant(message.sentAt, "/sentAt")
  )
    return undefined;
  return consent;
}

function personRefOf(value: unknown): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const ref = (value as { personRef?: unknown }).personRef;
  return typeof ref === "string" ? ref : undefined;
}

function tokens(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function valueAt(root: unknown, pointer: string): unknown {
  return tokens(pointer).reduce<unknown>(
    (node, t) =>
      node && typeof node === "object" ? (node as Record<string, unknown>)[t] : undefined,
    root,
  );
}

function ownerAt(root: unknown, pointer: string): string | undefined {
  let owner: string | undefined;
  let node: unknown = root;
  // The envelope itself is no person; the walk starts below it.
  for (const t of tokens(pointer)) {
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[t] : undefined;
    owner = personRefOf(node) ?? owner;
  }
  return owner;
}
