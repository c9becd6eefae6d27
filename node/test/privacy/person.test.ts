import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importPublicKey, parseCompact, assertSignature, publicJwkOf } from "@frx/spec";
import { verifyAudit } from "../../src/domain/audit-verify.js";
import { placeHold } from "../../src/privacy/holds.js";
import { eraseByPerson } from "../../src/privacy/request.js";
import { subjectAccess } from "../../src/privacy/subject-access.js";
import type { MessageRecord } from "../../src/store/records.js";
import { fixture, thaiNode, type Envelope, type TestNode } from "../harness.js";

const P1 = "pp_QJWVRQp7JjKp9wkOTRZBE4ok";
const P2 = "pp_Zk3vT8mWq2LxR7nB4cYd9sHf";
const NAME1 = "Khamla Vongsaly";
const NAME2 = "Somchai Thongdee";

let t: TestNode;
let first: Envelope;
let second: Envelope;
beforeEach(async () => {
  t = await thaiNode();
  first = fixture("referral.create");
  // A second worker of the same case, referred on their own.
  second = fixture("referral.create");
  second.id = "01KJPWGVT06F3AHQXK8TNA52FC";
  second.referral = "01KJPWGVT00H3GW7D0FZQ4NZAT";
  const person = (second.body.persons as Array<Record<string, unknown>>)[0]!;
  person.personRef = P2;
  (person.identified as Record<string, string>).fullName = NAME2;
  (second.body.consent as Record<string, string>).personRef = P2;
  (second.body.remedies as Array<Record<string, string>>)[0]!.personRef = P2;
  second.body.summary = "Second deckhand from the same trawler.";
  for (const e of [first, second]) expect((await t.submit(t.sign(e))).status).toBe(201);
});
afterEach(async () => t.node.close());

const stored = (id: string) => t.node.ctx.store.get<MessageRecord>("messages", id);

describe("subject access (FRX-DP-012)", () => {
  it("exports every message naming the person, with provenance, and nothing about the other worker", async () => {
    const { document, jws, html } = await subjectAccess(t.node.ctx, P1);
    expect(document.messages.map((m) => m.messageId)).toEqual([first.id]);
    expect(document.messages[0]).toMatchObject({
      from: "TH:DOE",
      originNode: "TH",
      deliveredTo: ["TH:DSDW"],
      purpose: "victim_assistance",
      tier: "T2",
    });
    expect(document.messages[0]!.entries.map((e) => e.pointer).sort()).toEqual([
      "/consent",
      "/persons/0",
      "/remedies/0",
    ]);
    const text = JSON.stringify(document);
    expect(text).toContain(NAME1);
    for (const other of [P2, NAME2]) {
      expect(text).not.toContain(other);
      expect(html).not.toContain(other);
    }
    expect(html).toContain(NAME1);
    // Signed by the node.
    const parsed = parseCompact(jws, "frx-subject-access+jws");
    assertSignature(parsed, importPublicKey(publicJwkOf(t.node.ctx.keys.signing)));
    expect(JSON.parse(new TextDecoder().decode(parsed.payload))).toEqual(document);
  });

  it("escapes what the messages say in the HTML page", async () => {
    const third = fixture("referral.create");
    third.id = "01KJPWGVT06F3AHQXK8TNA52FD";
    third.referral = "01KJPWGVT00H3GW7D0FZQ4NZAV";
    (third.body.persons as Array<{ identified: { fullName: string } }>)[0]!.identified.fullName =
      "<script>alert(1)</script>";
    expect((await t.submit(t.sign(third))).status).toBe(201);
    const { html } = await subjectAccess(t.node.ctx, P1);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#60;script&#62;");
  });
});

describe("erasure on request (FRX-DP-009, FRX-DP-008)", () => {
  it("erases every message naming the person and leaves the other worker's", async () => {
    const record = await eraseByPerson(t.node.ctx, P1, "the worker asked, PDPA s.33", "dpo");
    expect(record).toMatchObject({
      reason: "request",
      personRef: P1,
      messages: [first.id],
      by: "dpo",
    });
    expect((await stored(first.id))!.jws).toBe("");
    expect((await stored(second.id))!.jws).toMatch(/^frx-sealed:1:/);
    const after = await subjectAccess(t.node.ctx, P1);
    expect(after.document.messages).toEqual([]);
    expect(after.document.erasures.map((e) => e.messages)).toEqual([[first.id]]);
    expect((await subjectAccess(t.node.ctx, P2)).document.messages.map((m) => m.messageId)).toEqual(
      [second.id],
    );
    expect((await verifyAudit(t.node.ctx.store, publicJwkOf(t.node.ctx.keys.signing))).ok).toBe(
      true,
    );
  });

  it("refuses with dp.legal-hold when every message naming the person is held, and erases nothing", async () => {
    await placeHold(t.node.ctx, first.case!, "investigation open", "dpo");
    await expect(eraseByPerson(t.node.ctx, P1, "asked", "dpo")).rejects.toMatchObject({
      code: "dp.legal-hold",
    });
    expect((await stored(first.id))!.jws).toMatch(/^frx-sealed:1:/);
  });
});
