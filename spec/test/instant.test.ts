import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isFrxError } from "../src/errors.js";
import { createSigner, generateSigningKey, importPublicKey } from "../src/jws/keys.js";
import { signEnvelope, verifyEnvelope } from "../src/jws/envelope.js";
import { checkPolicy, type PolicyInput } from "../src/policy/check.js";
import { findKey } from "../src/federation/trust-list.js";
import { instantMs, isInstant, parseInstant } from "../src/time/instant.js";
import { vectorDir } from "./vector-files.js";

const fixture = (type: string) =>
  JSON.parse(
    readFileSync(join(vectorDir, "..", "fixtures", "messages", `${type}-ok.json`), "utf8"),
  ) as Record<string, unknown> & { sentAt: string; expiresAt: string };

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Timestamps near and beyond every edge of the grammar: month 13, 30 February, hour 24, a leap second, 4 fraction digits. */
const parts = fc.record({
  year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1970, 2000, 2024, 2100)),
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.integer({ min: 0, max: 32 }),
  hour: fc.integer({ min: 0, max: 24 }),
  minute: fc.integer({ min: 0, max: 60 }),
  second: fc.oneof(fc.integer({ min: 0, max: 61 }), fc.constant(60)),
  fraction: fc.option(fc.stringMatching(/^[0-9]{1,4}$/), { nil: undefined }),
  zone: fc.constantFrom("Z", "Z", "Z", "z", "+00:00", ""),
});
type Parts = typeof parts extends fc.Arbitrary<infer P> ? P : never;

const text = (p: Parts) =>
  `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${p.fraction === undefined ? "" : `.${p.fraction}`}${p.zone}`;

/** The reference: what the calendar says, computed by Date for the parts that are in range. */
function expected(p: Parts): number | undefined {
  const daysIn = new Date(Date.UTC(2000, p.month, 0)).getUTCDate();
  const leap = (p.year % 4 === 0 && p.year % 100 !== 0) || p.year % 400 === 0;
  const lastDay = p.month === 2 ? (leap ? 29 : 28) : daysIn;
  const valid =
    p.zone === "Z" &&
    (p.fraction === undefined || p.fraction.length <= 3) &&
    p.month >= 1 &&
    p.month <= 12 &&
    p.day >= 1 &&
    p.day <= lastDay &&
    p.hour <= 23 &&
    p.minute <= 59 &&
    p.second <= 59;
  if (!valid) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, Number((p.fraction ?? "0").padEnd(3, "0")));
  return d.getTime();
}

/** A generated time: mostly near the fixtures' clock, so that accepted cases are common. */
const near = fc
  .record({
    offsetMinutes: fc.integer({ min: -60 * 24 * 40, max: 60 * 24 * 40 }),
    form: fc.constantFrom("plain", "plain", "millis", "leap", "lower", "garbage"),
  })
  .map(({ offsetMinutes, form }) => {
    const iso = new Date(Date.parse("2026-03-02T09:45:00Z") + offsetMinutes * 60_000)
      .toISOString()
      .replace(".000Z", "Z");
    if (form === "millis") return iso.replace("Z", ".250Z");
    if (form === "leap") return iso.replace(/:[0-9]{2}Z$/, ":60Z");
    if (form === "lower") return iso.replace("Z", "z");
    if (form === "garbage") return iso.replace("T", "T9");
    return iso;
  });

describe("FRX-ENV-031: one strict parser for every instant", () => {
  it("reads exactly the instants of the grammar, as the calendar says, and never yields NaN", () => {
    fc.assert(
      fc.property(parts, (p) => {
        const ms = instantMs(text(p));
        expect(ms).toBe(expected(p));
        if (ms !== undefined) expect(Number.isSafeInteger(ms)).toBe(true);
        expect(isInstant(text(p))).toBe(ms !== undefined);
      }),
      { numRuns: 5000 },
    );
  });

  it("never yields NaN for any string, and parseInstant refuses with a coded error", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9T:.Z-]{0,30}$/)), (s) => {
        const ms = instantMs(s);
        expect(ms === undefined || Number.isFinite(ms)).toBe(true);
        if (ms === undefined)
          expect(() => parseInstant(s, "/sentAt")).toThrow(/not an FRX instant/);
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses a leap second rather than normalising it", () => {
    expect(instantMs("2016-12-31T23:59:60Z")).toBeUndefined();
    expect(instantMs("2016-12-31T23:59:59.999Z")).toBe(Date.UTC(2016, 11, 31, 23, 59, 59, 999));
    expect(instantMs("0000-01-01T00:00:00Z")).toBe(-62_167_219_200_000);
  });

  it("accepts an envelope only when both its times are instants and the window holds", async () => {
    const { privateJwk, publicJwk } = generateSigningKey();
    const signer = createSigner(privateJwk);
    const key = { key: importPublicKey(publicJwk) };
    const now = new Date("2026-03-02T09:45:00Z");
    const skewMs = 300_000;
    await fc.assert(
      fc.asyncProperty(
        near,
        near,
        fc.option(near, { nil: undefined }),
        async (sentAt, expiresAt, retiredAt) => {
          const jws = signEnvelope({ ...fixture("case.notify"), sentAt, expiresAt }, signer);
          const outcome = await verifyEnvelope(jws, {
            resolveKey: () => ({ ...key, owner: "TH:DOE", ...(retiredAt ? { retiredAt } : {}) }),
            now,
          }).then(
            () => "accepted",
            (e: unknown) => (isFrxError(e) ? e.code : `threw ${String(e)}`),
          );
          const s = instantMs(sentAt);
          const x = instantMs(expiresAt);
          const r = retiredAt === undefined ? Infinity : instantMs(retiredAt);
          const ok =
            s !== undefined &&
            x !== undefined &&
            r !== undefined &&
            s <= r &&
            x + skewMs >= now.getTime() &&
            s - skewMs <= now.getTime();
          if (ok) expect(outcome).toBe("accepted");
          else expect(outcome).not.toBe("accepted");
          expect(outcome).not.toMatch(/^threw/);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("lets no expired or unreadable consent authorise identity fields", () => {
    const base = fixture("referral.create") as unknown as PolicyInput & {
      body: { consent: Record<string, unknown> };
    };
    const victimServices = { id: "TH:DSDW", node: "TH", roles: ["victim_services" as const] };
    fc.assert(
      fc.property(near, (expiresAt) => {
        const message = structuredClone(base);
        message.to = [{ participant: "TH:DSDW" }];
        message.body.consent = { ...message.body.consent, expiresAt };
        const violations = checkPolicy(message, {
          sender: { id: "TH:DOE", node: "TH", roles: ["labour_inspectorate"] },
          recipients: [{ ...victimServices, toIndex: 0 }],
        });
        const x = instantMs(expiresAt);
        const lapsed = x === undefined || x < parseInstant(message.sentAt);
        const consentViolations = violations.filter((v) => v.code.startsWith("policy.consent"));
        expect(consentViolations.length > 0).toBe(lapsed);
      }),
      { numRuns: 500 },
    );
  });

  it("finds no trust-list key for a time that is not an instant", () => {
    const { publicJwk } = generateSigningKey();
    const member = {
      node: "TH",
      status: "active",
      signingKeys: [{ jwk: publicJwk, notBefore: "2026-01-01T00:00:00Z", status: "current" }],
    } as unknown as Parameters<typeof findKey>[0][number];
    fc.assert(
      fc.property(near, (at) => {
        const found = findKey([member], publicJwk.kid!, at);
        const t = instantMs(at);
        expect(found !== undefined).toBe(
          t !== undefined && t >= Date.parse("2026-01-01T00:00:00Z"),
        );
      }),
      { numRuns: 300 },
    );
  });
});
