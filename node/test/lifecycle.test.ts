import { createServer } from "node:net";
import { generateSigningKey } from "@frx/spec";
import { afterEach, describe, expect, it } from "vitest";
import { registerParticipant, setParticipantStatus } from "../src/admin/participants.js";
import { defaultConfig } from "../src/config/config.js";
import { nodePublicKeys } from "../src/config/keys.js";
import { verifyAudit } from "../src/domain/audit.js";
import { thaiNode, type TestNode } from "./harness.js";

let t: TestNode | undefined;
afterEach(async () => {
  await t?.node.close();
  t = undefined;
});

describe("configuration", () => {
  it("keeps the other limits when a config file sets one", () => {
    const c = defaultConfig("TH", { limits: { attachmentBytes: 1000 } } as never);
    expect(c.limits).toEqual({
      envelopeBytes: 256 * 1024,
      attachmentBytes: 1000,
      jsonBytes: 64 * 1024,
    });
    expect(defaultConfig("TH", { port: undefined } as never).port).toBe(7400);
  });

  it.each([
    [{ limits: { envelopeBytes: -1 } }, /limits.envelopeBytes/],
    [{ tokenMaxSeconds: 3600 }, /tokenMaxSeconds/],
    [{ federation: { batchSize: 500 } }, /batchSize/],
    [{ calendar: { utcOffset: "UTC+7" } }, /utcOffset/],
    [{ port: 70000 }, /port/],
  ])("refuses %j, naming the setting", (overrides, message) => {
    expect(() => defaultConfig("TH", overrides as never)).toThrow(message);
  });
});

describe("node lifecycle", () => {
  it("rejects start() when the port is taken, instead of crashing", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      t = await thaiNode({ port });
      await expect(t.node.start()).rejects.toMatchObject({ code: "EADDRINUSE" });
    } finally {
      blocker.close();
    }
  });

  it("answers waiting long-polls when it closes", async () => {
    t = await thaiNode();
    const { url } = await t.node.start();
    const token = await t.token("TH:DSDW");
    const poll = fetch(`${url}/v1/inbox?wait=30000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((r) => setTimeout(r, 100));
    const closing = t.node.close();
    const res = await poll;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [], next: 0 });
    await closing;
    t = undefined;
  });
});

describe("registration guards", () => {
  it("refuses an org type or power outside the spec's code lists (the firewall reads orgType)", async () => {
    t = await thaiNode();
    const { publicJwk } = generateSigningKey();
    const base = { id: "TH:IMM2", name: "x", roles: ["anti_trafficking_police"], publicJwk };
    await expect(
      registerParticipant(t.node.ctx, { ...base, orgType: "ImmigrationServices" }),
    ).rejects.toMatchObject({ code: "request.malformed" });
    await expect(
      registerParticipant(t.node.ctx, { ...base, orgType: "LawEnforcement", powers: ["deport"] }),
    ).rejects.toMatchObject({ code: "request.malformed" });
  });

  it("writes nothing for a status change that changes nothing", async () => {
    t = await thaiNode();
    const before = t.node.ctx.audit.length;
    await setParticipantStatus(t.node.ctx, "TH:DOE", "active");
    expect(t.node.ctx.audit.length).toBe(before);
  });

  it("verifies checkpoints signed before a node key rotation", async () => {
    t = await thaiNode({ checkpointEvery: 2 });
    const first = nodePublicKeys(t.node.ctx.keys).signing;
    t.node.rotateSigningKey(generateSigningKey().privateJwk);
    await setParticipantStatus(t.node.ctx, "TH:DOE", "disabled");
    await setParticipantStatus(t.node.ctx, "TH:DOE", "active");
    const keys = [first, nodePublicKeys(t.node.ctx.keys).signing];
    expect(await verifyAudit(t.node.ctx.store, keys)).toMatchObject({ ok: true });
    expect(await verifyAudit(t.node.ctx.store, keys[1]!)).toMatchObject({
      ok: false,
      firstBroken: { reason: expect.stringMatching(/not one of this node's/) },
    });
  });
});
