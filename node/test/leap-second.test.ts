import { createSigner, generateSigningKey, signEnvelope } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rotateParticipantKey } from "../src/admin/participants.js";
import { fixture, thaiNode, type TestNode } from "./harness.js";

// Finding 1 of issue 11: `…T23:59:60Z` passed the schema's date-time format, Date.parse made it
// NaN, and every time check compared false, so each of these was accepted (201).
let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

const domestic = (changes: Record<string, unknown> = {}) => ({
  ...fixture("case.notify"),
  to: [{ participant: "TH:ATPD" }, { participant: "TH:NCC" }],
  ...changes,
});

async function codeOf(
  res: Response,
): Promise<{ status: number; code?: string; pointers?: string[] }> {
  const body = (await res.json()) as { code?: string; violations?: Array<{ pointer: string }> };
  return {
    status: res.status,
    ...(body.code ? { code: body.code } : {}),
    ...(body.violations ? { pointers: [...new Set(body.violations.map((v) => v.pointer))] } : {}),
  };
}

describe("FRX-ENV-031: a leap second switches off no time check", () => {
  it("refuses an envelope signed with a retired key whose sentAt is a leap second", async () => {
    const old = t.agencies.get("TH:DOE")!.signer;
    await rotateParticipantKey(t.node.ctx, "TH:DOE", generateSigningKey().publicJwk);
    t.clock.set("2026-12-31T23:59:59Z");
    const jws = signEnvelope(
      domestic({ sentAt: "2026-12-31T23:59:60Z", expiresAt: "2027-01-30T00:00:00Z" }),
      old,
    );
    expect(await codeOf(await t.submit(jws))).toEqual({
      status: 400,
      code: "schema.invalid",
      pointers: ["/sentAt"],
    });
  });

  it.each([
    ["an expired envelope", { expiresAt: "2020-12-31T23:59:60Z" }, "/expiresAt"],
    ["an envelope from the far future", { sentAt: "2099-12-31T23:59:60Z" }, "/sentAt"],
  ])("refuses %s whose time is a leap second", async (_, changes, pointer) => {
    expect(await codeOf(await t.submit(t.sign(domestic(changes))))).toEqual({
      status: 400,
      code: "schema.invalid",
      pointers: [pointer],
    });
  });

  it.each([
    ["a lower-case z", "2026-03-02T09:00:00z"],
    ["a space for T", "2026-03-02 09:00:00Z"],
    ["an offset", "2026-03-02T09:00:00+00:00"],
    ["30 February", "2026-02-30T09:00:00Z"],
    ["four fraction digits", "2026-03-02T09:00:00.0001Z"],
  ])("refuses a sentAt with %s", async (_, sentAt) => {
    expect(await codeOf(await t.submit(t.sign(domestic({ sentAt }))))).toMatchObject({
      status: 400,
      code: "schema.invalid",
    });
  });

  it("still accepts a well-formed envelope with fraction digits", async () => {
    const res = await t.submit(t.sign(domestic({ sentAt: "2026-03-02T09:00:00.5Z" })));
    expect(res.status).toBe(201);
  });

  it("keeps the key in use for a well-formed time after retirement", async () => {
    const { privateJwk, publicJwk } = generateSigningKey();
    await rotateParticipantKey(t.node.ctx, "TH:DOE", publicJwk);
    const res = await t.submit(signEnvelope(domestic(), createSigner(privateJwk)));
    expect(res.status).toBe(201);
  });
});
