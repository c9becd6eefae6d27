import {
  canonicalize,
  createSigner,
  generateSigningKey,
  signEnvelope,
  type PrivateJwk,
  type ReferralRecord,
} from "@frx/spec";
import { build, type Envelope } from "../harness/fixtures.js";
import { ulid } from "../harness/ulid.js";
import type { ClientWorld } from "./world.js";

/** An item the stand-in node puts in the client's inbox, and what a conforming client makes of it. */
export interface PlantedItem {
  /** What the item is, as a failing check names it. */
  label: string;
  expect: "received" | "rejected";
  messageId: string;
  receivedAt: string;
  jws: string;
  /** The referral it opens, as the stand-in node's case view shows it to the client. */
  record: ReferralRecord;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A referral.create from `from` to the client, sent at `sentAt`, expiring at `expiresAt`. */
function referral(world: ClientWorld, from: string, sentAt: number, expiresAt: number): Envelope {
  const sender = from.split(":")[0]!;
  const env = build(
    "referral-create-ok",
    {
      LI: from,
      VS: world.participant,
      CASE: `${from}:${ulid(sentAt)}`,
      REFERRAL: ulid(sentAt),
      CONSENT: ulid(sentAt),
      PAST: new Date(sentAt - DAY).toISOString(),
    },
    { id: ulid(sentAt), sentAt: iso(sentAt), expiresAt: iso(expiresAt) },
  );
  // A referral from abroad declares the audience foreign authorities, as its sender must.
  if (sender !== world.node)
    (env.body.consent as { audiences: string[] }).audiences = [
      "foreign_authorities",
      "service_providers",
    ];
  return env;
}

function planted(
  world: ClientWorld,
  label: string,
  expect: PlantedItem["expect"],
  env: Envelope,
  jws: string,
  receivedAt: number,
): PlantedItem {
  return {
    label,
    expect,
    messageId: env.id,
    receivedAt: iso(receivedAt),
    jws,
    record: {
      referral: env.referral!,
      case: env.case!,
      state: "received",
      version: 1,
      referrer: env.from,
      recipient: world.participant,
      urgency: "routine",
      track: "remedy",
      updatedAt: env.sentAt,
    },
  };
}

const sign = (env: Envelope, key: PrivateJwk): string => signEnvelope(env, createSigner(key));

/** One good referral from the node's labour inspectorate, received a second after it was sent. */
export function goodLocal(world: ClientWorld, now = Date.now()): PlantedItem {
  const env = referral(world, world.li.id, now - MINUTE, now + DAY);
  return planted(
    world,
    "a referral from an agency of the node",
    "received",
    env,
    sign(env, world.li.key),
    now - MINUTE + 1000,
  );
}

/**
 * The inbox scenario's items: three that verify (one from abroad, one that expired since it
 * was received) and five that do not, each for one reason.
 */
export function verificationItems(world: ClientWorld, now = Date.now()): PlantedItem[] {
  const items: PlantedItem[] = [goodLocal(world, now)];
  const foreign = referral(world, world.foreign.agency, now - MINUTE, now + DAY);
  items.push(
    planted(
      world,
      "a referral from an agency of the foreign node XA",
      "received",
      foreign,
      sign(foreign, world.foreign.key),
      now - MINUTE + 2000,
    ),
  );
  const late = referral(world, world.li.id, now - 3 * DAY, now - 2 * DAY);
  items.push(
    planted(
      world,
      "a referral that expired after it was received (judged at receivedAt)",
      "received",
      late,
      sign(late, world.li.key),
      now - 3 * DAY + MINUTE,
    ),
  );
  const tampered = referral(world, world.li.id, now - MINUTE, now + DAY);
  const good = sign(tampered, world.li.key).split(".");
  const altered = { ...tampered, body: { ...tampered.body, summary: "Altered after signing." } };
  const forged = [good[0], Buffer.from(canonicalize(altered)).toString("base64url"), good[2]].join(
    ".",
  );
  items.push(
    planted(
      world,
      "a referral altered after it was signed",
      "rejected",
      altered as Envelope,
      forged,
      now - MINUTE + 3000,
    ),
  );
  const stranger = referral(world, world.li.id, now - MINUTE, now + DAY);
  items.push(
    planted(
      world,
      "a referral signed with a key in no directory",
      "rejected",
      stranger,
      sign(stranger, generateSigningKey().privateJwk),
      now - MINUTE + 4000,
    ),
  );
  const mismatch = referral(world, world.li.id, now - MINUTE, now + DAY);
  items.push(
    planted(
      world,
      "a referral from one agency signed with another agency's key",
      "rejected",
      mismatch,
      sign(mismatch, world.vs.key),
      now - MINUTE + 5000,
    ),
  );
  const abroad = referral(world, world.foreign.agency, now - MINUTE, now + DAY);
  items.push(
    planted(
      world,
      "a referral claiming a foreign sender, signed with a local agency's key",
      "rejected",
      abroad,
      sign(abroad, world.li.key),
      now - MINUTE + 6000,
    ),
  );
  const expired = referral(world, world.li.id, now - 3 * DAY, now - 2 * DAY);
  items.push(
    planted(
      world,
      "a referral that had expired when it was received",
      "rejected",
      expired,
      sign(expired, world.li.key),
      now - DAY,
    ),
  );
  return items;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
