import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const specDir = fileURLToPath(new URL("../../spec/", import.meta.url));
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID: 48-bit time and 80 random bits in Crockford base32. */
export function ulid(now = Date.now()): string {
  let time = "";
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32]! + time;
  const rnd = randomBytes(16);
  let tail = "";
  for (let i = 0; i < 16; i++) tail += CROCKFORD[rnd[i]! % 32]!;
  return time + tail;
}

/** A fixture's purpose, legal basis, tier and body: realistic content for each message kind. */
export function fixture(type: string): {
  purpose: string;
  legalBasis: { code: string; reference?: string };
  tier: string;
  body: Record<string, unknown>;
} {
  const f = JSON.parse(
    readFileSync(join(specDir, "fixtures", "messages", `${type}-ok.json`), "utf8"),
  ) as ReturnType<typeof fixture>;
  return { purpose: f.purpose, legalBasis: f.legalBasis, tier: f.tier, body: f.body };
}

/** A cross-border referral as the demo sends one: pseudonymous (T1), no identity or health data. */
export function crossBorderReferral(): ReturnType<typeof fixture> {
  const f = fixture("referral.create");
  const body = f.body as {
    persons: Array<Record<string, unknown>>;
    consent: { audiences: string[] };
    requestedServices: string[];
  };
  for (const p of body.persons) {
    delete p.identified;
    delete p.health;
  }
  body.consent.audiences = [...body.consent.audiences, "foreign_authorities"];
  body.requestedServices = ["Repatriation", "Legal"];
  return { ...f, tier: "T1" };
}

/** evidence.provide with one item describing `file`. */
export function evidenceWith(file: {
  sha256: string;
  mediaType: string;
  size: number;
}): ReturnType<typeof fixture> {
  const f = fixture("evidence.provide");
  const items = f.body.items as Array<Record<string, unknown>>;
  return { ...f, body: { ...f.body, items: [{ ...items[0], ...file }] } };
}
