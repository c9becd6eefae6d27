import { generateSigningKey } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultConfig, signOperatorToken } from "../../src/index.js";
import { thaiNode, type TestNode } from "../harness.js";
import { adminOf, codeOf, type Admin } from "./admin-helpers.js";

let t: TestNode;
let admin: Admin;
beforeEach(async () => {
  t = await thaiNode();
  admin = await adminOf(t);
});
afterEach(async () => t.node.close());

describe("FRX-ADM-003: admin calls need a short-lived operator token", () => {
  it("refuses a call without a token, and one with an agency's token", async () => {
    const none = await admin.app.request("/admin/api/agencies");
    expect([none.status, await codeOf(none)]).toEqual([401, "auth.token-missing"]);
    const agency = await admin.app.request("/admin/api/agencies", {
      headers: { authorization: `Bearer ${await t.token("TH:DOE")}` },
    });
    expect([agency.status, await codeOf(agency)]).toEqual([401, "auth.token-invalid"]);
  });

  it("refuses a token for another node's admin API, one living past 300 s, and a replayed one", async () => {
    const call = (token: string) =>
      admin.app.request("/admin/api/agencies", { headers: { authorization: `Bearer ${token}` } });
    const other = await signOperatorToken(admin.operator, "ops", "LA", t.clock.now());
    expect(await codeOf(await call(other))).toBe("auth.token-audience");
    const long = await signOperatorToken(admin.operator, "ops", "TH", t.clock.now(), 3600);
    expect(await codeOf(await call(long))).toBe("auth.token-expired");
    const once = await signOperatorToken(admin.operator, "ops", "TH", t.clock.now());
    expect((await call(once)).status).toBe(200);
    expect(await codeOf(await call(once))).toBe("auth.token-replayed");
  });

  it("audits each authenticated call with the operator's name, reads and refusals included (FRX-ADM-005)", async () => {
    const before = t.node.ctx.audit.length;
    await admin.call("GET", "/agencies");
    await admin.call("POST", "/agencies/TH:NOPE/disable");
    const entries = (
      await t.node.ctx.store.range<{ actor: string; detail: string; code?: string }>("audit")
    )
      .map(([, e]) => e)
      .slice(before);
    expect(entries.map((e) => [e.actor, e.detail, e.code])).toEqual([
      ["operator:ops", "admin agency.list", undefined],
      ["operator:ops", "admin agency.disable refused", "request.not-found"],
    ]);
  });
});

describe("FRX-ADM-004: a key serves one holder", () => {
  it("refuses one public key for a second agency (an immigration unit among them) and an agency key as operator key", async () => {
    const { publicJwk } = generateSigningKey();
    const add = (id: string, orgType: string) =>
      admin.call("POST", "/agencies", {
        id,
        name: id,
        roles: ["anti_trafficking_police"],
        orgType,
        publicJwk,
      });
    expect((await add("TH:ONE", "LawEnforcement")).status).toBe(200);
    const second = await add("TH:IMM", "ImmigrationService");
    expect([second.status, await codeOf(second)]).toEqual([409, "admin.key-in-use"]);
    const asOperator = await admin.call("POST", "/operators", { name: "eve", publicJwk });
    expect(await codeOf(asOperator)).toBe("admin.key-in-use");
    const rotateTo = await admin.call("POST", "/agencies/TH:DOE/keys", { publicJwk });
    expect(await codeOf(rotateTo)).toBe("admin.key-in-use");
  });

  it("refuses an operator's key as an agency key", async () => {
    const { publicJwk } = generateSigningKey();
    expect((await admin.call("POST", "/operators", { name: "bob", publicJwk })).status).toBe(200);
    const res = await admin.call("POST", "/agencies", {
      id: "TH:X",
      name: "X",
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      publicJwk,
    });
    expect(await codeOf(res)).toBe("admin.key-in-use");
  });
});

describe("FRX-ADM-001, FRX-ADM-012, FRX-ADM-013: exposure", () => {
  it("refuses an admin listener on a non-loopback address", () => {
    expect(() => defaultConfig("TH", { admin: { host: "0.0.0.0" } })).toThrow(/loopback/);
    expect(() => defaultConfig("TH", { admin: { host: "192.168.1.5" } })).toThrow(/loopback/);
    expect(defaultConfig("TH", { admin: { host: "::1" } }).admin.host).toBe("::1");
  });

  it("has no admin route on the public listener (FRX-ADM-002)", async () => {
    const res = await t.node.app.request("/admin/api/agencies");
    expect(res.status).toBe(404);
  });

  it("sends the security headers on every response, a 404 problem included", async () => {
    for (const res of [
      await t.node.app.request("/healthz"),
      await t.node.app.request("/nowhere"),
      await admin.app.request("/"),
    ]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
  });

  it("serves /metrics only with the metrics token when one is set, naming no peer", async () => {
    const s = await thaiNode({ metricsToken: "m".repeat(24) });
    try {
      const bare = await s.node.app.request("/metrics");
      expect([bare.status, await codeOf(bare)]).toEqual([401, "auth.token-invalid"]);
      const ok = await s.node.app.request("/metrics", {
        headers: { authorization: `Bearer ${"m".repeat(24)}` },
      });
      const text = await ok.text();
      expect(text).toMatch(/^frx_outbox_queued 0$/m);
      expect(text).toMatch(/^frx_dead_letters 0$/m);
    } finally {
      await s.node.close();
    }
  });
});
