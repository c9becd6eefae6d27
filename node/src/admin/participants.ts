import {
  FrxError,
  isFrxError,
  validateDocument,
  messageTypeValues,
  orgTypeValues,
  powersForSanction,
  powerValues,
  roleValues,
  type PublicJwk,
} from "@frx/spec";
import type { AppContext } from "../context.js";
import { hasControl } from "../config/text.js";
import { directoryParticipant } from "../domain/documents.js";
import { keyEntry } from "../domain/directory.js";
import type { ParticipantRecord } from "../store/records.js";

export interface ParticipantRegistration {
  id: string;
  name: string;
  roles: string[];
  orgType: string;
  immigrationFunctions?: boolean;
  powers?: string[];
  acceptedTypes?: string[];
  coordinator?: boolean;
  /** Sanctions it may impose (FRX-FED-086: each allowed by one of its powers). */
  sanctionRegimes?: unknown;
  /** Channels, contact points, languages, response times (documents/directory.json). */
  procedures?: unknown;
  publicJwk: PublicJwk;
}

/**
 * A key serves one holder (FRX-ADM-004): refuses a kid registered to another participant
 * (revoked keys included) or to an operator.
 */
export async function assertKeyFree(ctx: AppContext, kid: string, holder: string): Promise<void> {
  const owner = ctx.directory.ownerOf(kid);
  if (owner !== undefined && owner !== holder)
    throw new FrxError("admin.key-in-use", `key ${kid} is already registered to ${owner}`);
  const operator = await ctx.store.get<string>("operators", `kid!${kid}`);
  if (operator !== undefined)
    throw new FrxError("admin.key-in-use", `key ${kid} is an operator key (${operator})`);
}

/** Runs an admin change through the node's one queue, with its audit entry, and waits for the disk. */
export async function adminChange(
  ctx: AppContext,
  actor: string,
  detail: string,
  build: () => Promise<ParticipantRecord[]>,
  previous: () => Promise<(ParticipantRecord | undefined)[]>,
): Promise<void> {
  const { commit } = await ctx.serial.run(async () => {
    const records = await build();
    for (const r of records) assertPublishable(r);
    const before = await previous();
    const at = ctx.clock.now().toISOString();
    const ops = records.flatMap((r, i) => ctx.directory.putOps(r, before[i]));
    ops.push(...ctx.audit.append(at, { kind: "admin", actor, detail }));
    return { commit: ctx.store.commit(ops) };
  });
  await commit;
}

/**
 * Refuses a change after which the node's own directory would not match the schema it
 * publishes it under (FRX-FED-072): the directory is served to every agency and peer, and one
 * bad entry would make all of it unservable. Names with control characters are refused too:
 * they reach operators' terminals and agencies' screens.
 */
function assertPublishable(record: ParticipantRecord): void {
  if (hasControl(record.name))
    throw new FrxError("request.malformed", `the name of ${record.id} contains control characters`);
  try {
    validateDocument("documents/directory.json#/$defs/participant", directoryParticipant(record));
  } catch (error) {
    if (!isFrxError(error)) throw error;
    throw new FrxError(
      "request.malformed",
      `${record.id} would not match the directory's schema: ${error.message}${record.keys.length > 10 ? " (an agency holds at most 10 keys, retired ones included)" : ""}`,
      error.violations,
    );
  }
  assertRegimesAllowed(record);
}

/**
 * A sanction regime claims a legal power: its kind must be one the agency's powers allow
 * (rules.json `sanctionPowers`, FRX-FED-086), now and after every change of its powers.
 */
function assertRegimesAllowed(record: ParticipantRecord): void {
  const regimes = Array.isArray(record.sanctionRegimes) ? record.sanctionRegimes : [];
  const violations = regimes.flatMap((r, i) => {
    const allowed = powersForSanction(String((r as { kind?: unknown }).kind));
    if (allowed.some((p) => record.powers.includes(p))) return [];
    const message = `${String((r as { kind?: unknown }).kind)} needs one of the powers ${allowed.join(", ") || "(none: not a sanction kind)"}`;
    return [{ pointer: `/sanctionRegimes/${i}/kind`, code: "request.malformed" as const, message }];
  });
  if (violations.length > 0)
    throw new FrxError(
      "request.malformed",
      `${record.id} may not list a sanction regime its powers do not allow: ${violations.map((v) => v.message).join("; ")}`,
      violations,
    );
}

/**
 * Registers an agency at this node (id `CC:CODE`, CC = this node). Validates roles and
 * types against the spec's code lists.
 *
 * @example await registerParticipant(node.ctx, { id: "TH:DOE", name: "…", roles: ["labour_inspectorate"], orgType: "LabourInspectorate", publicJwk })
 */
export async function registerParticipant(
  ctx: AppContext,
  reg: ParticipantRegistration,
  actor = "operator",
): Promise<ParticipantRecord> {
  if (
    !/^[A-Z]{2}:[A-Z0-9][A-Z0-9-]{0,31}$/.test(reg.id) ||
    !reg.id.startsWith(`${ctx.config.node}:`)
  ) {
    throw new FrxError(
      "request.malformed",
      `a participant of node ${ctx.config.node} is named ${ctx.config.node}:CODE, not ${reg.id}`,
    );
  }
  if (reg.id === `${ctx.config.node}:NODE`)
    throw new FrxError("request.malformed", `${reg.id} is reserved for the node itself`);
  const badRole = reg.roles.find((r) => !(roleValues as readonly string[]).includes(r));
  if (reg.roles.length === 0 || badRole)
    throw new FrxError(
      "request.malformed",
      `roles must be from ${roleValues.join(", ")}${badRole ? `; ${badRole} is not` : ""}`,
    );
  // The firewall depends on orgType (ImmigrationService): a typo must not register.
  if (!(orgTypeValues as readonly string[]).includes(reg.orgType)) {
    throw new FrxError(
      "request.malformed",
      `orgType must be one of ${orgTypeValues.join(", ")}, not ${reg.orgType}`,
    );
  }
  const badPower = (reg.powers ?? []).find((p) => !(powerValues as readonly string[]).includes(p));
  if (badPower)
    throw new FrxError("request.malformed", `${badPower} is not a power in the spec's code list`);
  const badType = (reg.acceptedTypes ?? []).find(
    (t) => !(messageTypeValues as readonly string[]).includes(t),
  );
  if (badType) throw new FrxError("request.malformed", `${badType} is not a message type`);
  const at = ctx.clock.now().toISOString();
  let record!: ParticipantRecord;
  await adminChange(
    ctx,
    actor,
    `participant ${reg.id} registered`,
    async () => {
      if (await ctx.directory.get(reg.id))
        throw new FrxError("request.malformed", `${reg.id} is already registered`);
      await assertKeyFree(ctx, keyEntry(reg.publicJwk, at).kid, reg.id);
      record = {
        id: reg.id,
        name: reg.name,
        roles: reg.roles,
        orgType: reg.orgType,
        immigrationFunctions: reg.immigrationFunctions ?? reg.orgType === "ImmigrationService",
        powers: reg.powers ?? [],
        acceptedTypes: reg.acceptedTypes ?? [],
        status: "active",
        coordinator: reg.coordinator ?? reg.roles.includes("national_coordinator"),
        ...mandateOf(reg),
        keys: [keyEntry(reg.publicJwk, at)],
        createdAt: at,
        updatedAt: at,
      };
      return [record];
    },
    () => Promise.resolve([undefined]),
  );
  return record;
}

/** Disables (or re-enables) a participant: it can then neither send nor receive. */
export async function setParticipantStatus(
  ctx: AppContext,
  id: string,
  status: "active" | "disabled",
  actor = "operator",
): Promise<ParticipantRecord> {
  const existing = await ctx.directory.get(id);
  if (existing?.status === status) return existing;
  let next!: ParticipantRecord;
  await adminChange(
    ctx,
    actor,
    `participant ${id} ${status}`,
    async () => {
      const current = await ctx.directory.get(id);
      if (!current) throw new FrxError("request.not-found", `${id} is not registered`);
      next = { ...current, status, updatedAt: ctx.clock.now().toISOString() };
      return [next];
    },
    async () => [await ctx.directory.get(id)],
  );
  return next;
}

/**
 * Adds a new key and retires the current ones as of now: envelopes signed before the
 * retirement still verify with the old key; later ones must use the new key.
 */
export async function rotateParticipantKey(
  ctx: AppContext,
  id: string,
  publicJwk: PublicJwk,
  actor = "operator",
): Promise<ParticipantRecord> {
  let next!: ParticipantRecord;
  await adminChange(
    ctx,
    actor,
    `participant ${id} key rotated`,
    async () => {
      const current = await ctx.directory.get(id);
      if (!current) throw new FrxError("request.not-found", `${id} is not registered`);
      const at = ctx.clock.now().toISOString();
      const entry = keyEntry(publicJwk, at);
      if (current.keys.some((k) => k.kid === entry.kid))
        throw new FrxError("request.malformed", "that key is already registered");
      await assertKeyFree(ctx, entry.kid, id);
      next = {
        ...current,
        keys: [...current.keys.map((k) => (k.retiredAt ? k : { ...k, retiredAt: at })), entry],
        updatedAt: at,
      };
      return [next];
    },
    async () => [await ctx.directory.get(id)],
  );
  return next;
}

/**
 * The sanction regimes and procedures given for an agency, as they will be published; their
 * shape is checked with the whole directory entry before anything is stored (FRX-FED-072).
 * `null` removes them.
 */
export function mandateOf(
  input: Record<string, unknown> | ParticipantRegistration,
): Pick<ParticipantRecord, "sanctionRegimes" | "procedures"> {
  const { sanctionRegimes, procedures } = input as Record<string, unknown>;
  const given = (v: unknown) => (v === null ? undefined : v);
  return {
    ...(sanctionRegimes !== undefined
      ? { sanctionRegimes: given(sanctionRegimes) as ParticipantRecord["sanctionRegimes"] }
      : {}),
    ...(procedures !== undefined
      ? { procedures: given(procedures) as ParticipantRecord["procedures"] }
      : {}),
  };
}
