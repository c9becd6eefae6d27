import { createSigner, generateSigningKey, MessageType, signEnvelope } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InboxItem } from "../src/index.js";
import { fixture } from "./support/fixtures.js";
import { mockNode, NOW, type MockNode } from "./support/mock-node.js";

let m: MockNode;
beforeEach(() => {
  m = mockNode();
  m.serveDocuments();
});
afterEach(() => m.agent.close());

const inbox = { path: (p: string) => p.startsWith("/v1/inbox?"), method: "GET" } as const;
const envelope = (overrides: Record<string, unknown> = {}) => ({
  ...fixture(MessageType.ReferralAcknowledge),
  to: [{ participant: "TH:DOE" }],
  ...overrides,
});
const page = (jwss: Array<string | undefined>) => ({
  items: jwss.map((jws, i) => ({
    cursor: i + 1,
    messageId: jws ? JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString()).id : "x",
    receivedAt: NOW,
    ...(jws ? { jws } : {}),
  })),
  next: jwss.length,
});

describe("inbox verification", () => {
  it("verifies each message, and surfaces the ones that fail with their code instead of dropping them", async () => {
    const dsdw = createSigner(m.keys.get("TH:DSDW")!);
    const stranger = createSigner(generateSigningKey().privateJwk);
    const good = signEnvelope(envelope(), dsdw);
    const [h, p] = signEnvelope(envelope({ id: "01KJPXTZF0XKH9BJ3CK8B49XMN" }), dsdw).split(".");
    const tampered = `${h}.${p}.${good.split(".")[2]}`;
    const unknownKey = signEnvelope(envelope({ id: "01KJPXTZF0XKH9BJ3CK8B49XMP" }), stranger);
    const impostor = signEnvelope(
      envelope({ id: "01KJPXTZF0XKH9BJ3CK8B49XMQ", from: "TH:ATPD" }),
      dsdw,
    );
    const notice = signEnvelope(fixture(MessageType.DeadlineReminder), m.nodeSigner);
    m.pool.intercept(inbox).reply(200, page([good, tampered, unknownKey, impostor, notice]));
    m.pool.intercept(inbox).reply(200, { items: [], next: 5 });

    const items: InboxItem[] = [];
    for await (const item of m.client().inbox({ follow: false })) items.push(item);
    expect(items.map((i) => (i.ok ? i.message.type : i.error.code))).toEqual([
      MessageType.ReferralAcknowledge,
      "jws.signature-invalid",
      "jws.kid-unknown",
      "envelope.signer-mismatch",
      MessageType.DeadlineReminder,
    ]);
    expect(items.every((i) => i.jws !== undefined)).toBe(true);
  });

  it("judges a message's time when the node received it, not when it is read", async () => {
    const jws = signEnvelope(
      envelope({ sentAt: "2026-01-01T00:00:00Z", expiresAt: "2026-01-02T00:00:00Z" }),
      createSigner(m.keys.get("TH:DSDW")!),
    );
    const late = page([jws]);
    late.items[0]!.receivedAt = "2026-01-01T00:05:00Z";
    m.pool.intercept(inbox).reply(200, late);
    m.pool.intercept(inbox).reply(200, { items: [], next: 1 });
    const items: InboxItem[] = [];
    for await (const item of m.client().inbox({ follow: false })) items.push(item);
    expect(items[0]).toMatchObject({ ok: true });
  });
});
