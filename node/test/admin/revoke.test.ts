import { createSigner, generateSigningKey, signEnvelope } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { directoryDocument } from "../../src/domain/documents.js";
import type { MessageRecord } from "../../src/store/records.js";
import { fixture, thaiNode, type TestNode } from "../harness.js";
import { adminOf, codeOf, freshReferral, type Admin } from "./admin-helpers.js";

let t: TestNode;
let admin: Admin;
beforeEach(async () => {
  t = await thaiNode();
  admin = await adminOf(t);
});
afterEach(async () => t.node.close());

const kidOf = (jws: string) =>
  (JSON.parse(Buffer.from(jws.split(".")[0]!, "base64url").toString()) as { kid: string }).kid;

describe("FRX-ADM-007 to FRX-ADM-009: revoking a compromised agency key", () => {
  it("refuses every later envelope signed with it, even one backdated to before the revocation; what was stored before keeps its proof", async () => {
    const old = t.agencies.get("TH:DOE")!;
    const before = t.sign(fixture("referral.create"));
    expect((await t.submit(before)).status).toBe(201);
    const oldKid = kidOf(before);

    t.clock.advance(60_000);
    const { privateJwk, publicJwk } = generateSigningKey();
    const res = await admin.call("POST", `/agencies/TH:DOE/keys/${oldKid}/revoke`, {
      revokedAt: t.clock.now().toISOString(),
      replacement: publicJwk,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agency: { keys: Array<{ kid: string; status: string }> } };
    expect(body.agency.keys.find((k) => k.kid === oldKid)?.status).toBe("revoked");

    // The thief backdates sentAt to before the revocation: still refused.
    const stolen = freshReferral(t);
    stolen.sentAt = "2026-03-02T09:00:00Z";
    const refused = await t.submit(signEnvelope(stolen, old.signer));
    expect([refused.status, await codeOf(refused)]).toEqual([400, "jws.key-revoked"]);
    // An agency token signed with it is refused too.
    const token = await t.as("TH:DOE", "/v1/inbox");
    expect(token.status).toBe(400);

    // The legitimate agency goes on with its replacement key: no legitimate envelope refused.
    t.agencies.set("TH:DOE", { id: "TH:DOE", privateJwk, signer: createSigner(privateJwk) });
    expect((await t.submit(t.sign(freshReferral(t)))).status).toBe(201);

    // Peers no longer see the key (FRX-SIG-006); the node still proves what came before.
    const dir = await directoryDocument(t.node.ctx);
    const doe = dir.participants.find((p) => p.id === "TH:DOE")!;
    expect(doe.keys.map((k) => k.kid)).not.toContain(oldKid);
    const stored = await t.node.ctx.store.get<MessageRecord>(
      "messages",
      fixture("referral.create").id,
    );
    const receivedAt = Date.parse(stored!.receivedAt);
    expect(await t.node.ctx.directory.resolveStoredKey(oldKid, receivedAt)).toBeDefined();
    expect(
      await t.node.ctx.directory.resolveStoredKey(oldKid, t.clock.now().getTime()),
    ).toBeUndefined();
  });

  it("lists as suspect what the node stored after revokedAt, when the revocation is dated back", async () => {
    const first = t.sign(fixture("referral.create"));
    expect((await t.submit(first)).status).toBe(201);
    t.clock.advance(1000);
    const leakBegan = t.clock.now().toISOString();
    const suspect = freshReferral(t);
    expect((await t.submit(t.sign(suspect))).status).toBe(201);
    t.clock.advance(60_000);
    const res = await admin.call("POST", `/agencies/TH:DOE/keys/${kidOf(first)}/revoke`, {
      revokedAt: leakBegan,
      replacement: generateSigningKey().publicJwk,
    });
    const body = (await res.json()) as { suspect: string[] };
    expect(body.suspect).toEqual([suspect.id]);
  });

  it("refuses a revocation dated in the future, an unknown key, and the last key without a replacement", async () => {
    const kid = t.agencies.get("TH:DOE")!.signer.kid;
    const future = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const r1 = await admin.call("POST", `/agencies/TH:DOE/keys/${kid}/revoke`, {
      revokedAt: future,
    });
    expect(await codeOf(r1)).toBe("request.malformed");
    const r2 = await admin.call("POST", `/agencies/TH:DOE/keys/nokid/revoke`, {});
    expect([r2.status, await codeOf(r2)]).toEqual([404, "request.not-found"]);
    const r3 = await admin.call("POST", `/agencies/TH:DOE/keys/${kid}/revoke`, {});
    expect(await codeOf(r3)).toBe("request.malformed");
    const r4 = await admin.call("POST", `/agencies/TH:DOE/keys/${kid}/revoke`, {
      revokedAt: "2026-03-02T09:45:60Z",
      replacement: generateSigningKey().publicJwk,
    });
    expect(await codeOf(r4)).toBe("request.malformed");
  });
});

describe("agencies through the admin API, while the node runs", () => {
  it("adds, updates, disables, enables and rotates, each with its audit entry", async () => {
    const { publicJwk } = generateSigningKey();
    const added = await admin.call("POST", "/agencies", {
      id: "TH:NEW",
      name: "New unit",
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      publicJwk,
    });
    expect(added.status).toBe(200);
    const upd = await admin.call("POST", "/agencies/TH:NEW", { name: "Renamed unit" });
    expect(((await upd.json()) as { name: string }).name).toBe("Renamed unit");
    expect((await admin.call("POST", "/agencies/TH:NEW/disable")).status).toBe(200);
    expect((await t.node.ctx.directory.get("TH:NEW"))?.status).toBe("disabled");
    expect((await admin.call("POST", "/agencies/TH:NEW/enable")).status).toBe(200);
    const rotated = await admin.call("POST", "/agencies/TH:NEW/keys", {
      publicJwk: generateSigningKey().publicJwk,
    });
    const keys = ((await rotated.json()) as { keys: Array<{ status: string }> }).keys;
    expect(keys.map((k) => k.status)).toEqual(["retired", "current"]);
    const details = (await t.node.ctx.store.range<{ actor: string; detail: string }>("audit"))
      .map(([, e]) => e)
      .filter((e) => e.actor === "operator:ops")
      .map((e) => e.detail);
    expect(details).toEqual([
      "participant TH:NEW registered",
      "participant TH:NEW updated",
      "participant TH:NEW disabled",
      "participant TH:NEW active",
      "participant TH:NEW key rotated",
    ]);
  });
});
