import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode({
    limits: { envelopeBytes: 256 * 1024, attachmentBytes: 1024, jsonBytes: 64 * 1024 },
  });
});
afterEach(async () => t.node.close());

const bytes = Buffer.from("payslip: 0 THB for 7 months");
const sha = createHash("sha256").update(bytes).digest("hex");
const put = (who: string, digest: string, body: string | Uint8Array) =>
  t.as(who, `/v1/attachments/${digest}`, {
    method: "PUT",
    headers: { "content-type": "text/plain" },
    body,
  });
const codeOf = async (res: Response) => ({
  status: res.status,
  code: ((await res.json()) as { code: string }).code,
});

describe("attachments", () => {
  it("stores bytes under their digest and returns them to the uploader", async () => {
    expect(await (await put("TH:DOE", sha, bytes)).json()).toEqual({
      sha256: sha,
      size: bytes.length,
      mediaType: "text/plain",
    });
    const res = await t.as("TH:DOE", `/v1/attachments/${sha}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("content-type")).toBe("text/plain");
  });

  it("refuses bytes that do not hash to the digest, and stores nothing", async () => {
    expect(await codeOf(await put("TH:DOE", sha, "something else"))).toEqual({
      status: 422,
      code: "attachment.digest-mismatch",
    });
    expect(await codeOf(await t.as("TH:DOE", `/v1/attachments/${sha}`))).toEqual({
      status: 404,
      code: "attachment.not-found",
    });
  });

  it("refuses an attachment over the size limit", async () => {
    const big = Buffer.alloc(2048, 1);
    expect(
      await codeOf(await put("TH:DOE", createHash("sha256").update(big).digest("hex"), big)),
    ).toEqual({ status: 413, code: "attachment.too-large" });
  });

  it("refuses a path that is not a SHA-256", async () => {
    expect(await codeOf(await put("TH:DOE", "not-a-digest", bytes))).toEqual({
      status: 400,
      code: "request.malformed",
    });
  });

  it("keeps attachments from agencies that did not receive them, and opens them to those that did", async () => {
    await put("TH:DOE", sha, bytes);
    expect(await codeOf(await t.as("TH:ATPD", `/v1/attachments/${sha}`))).toEqual({
      status: 404,
      code: "attachment.not-found",
    });
    const env = {
      ...fixture("case.notify"),
      to: [{ participant: "TH:ATPD" }],
      purpose: "case_coordination",
      attachments: [{ sha256: sha, mediaType: "text/plain", size: bytes.length }],
    };
    expect((await t.submit(t.sign(env))).status).toBe(201);
    expect((await t.as("TH:ATPD", `/v1/attachments/${sha}`)).status).toBe(200);
  });

  it("refuses an envelope that references an attachment its sender cannot read here", async () => {
    const env = {
      ...fixture("case.notify"),
      to: [{ participant: "TH:ATPD" }],
      purpose: "case_coordination",
      attachments: [{ sha256: sha, mediaType: "text/plain", size: bytes.length }],
    };
    const res = await t.submit(t.sign(env));
    expect(await res.json()).toMatchObject({
      code: "attachment.not-found",
      violations: [{ pointer: "/attachments/0" }],
    });
  });
});

// Finding 12 of issue 11: a second uploader of the same bytes could change their media type
// (to text/html, say), and every reader was then served that type.
describe("FRX-ENV-033, FRX-ENV-034: an attachment's media type is fixed by its first upload", () => {
  it("keeps the first upload's media type when another participant uploads the same bytes", async () => {
    expect((await put("TH:DOE", sha, bytes)).status).toBe(201);
    const second = await t.as("TH:ATPD", `/v1/attachments/${sha}`, {
      method: "PUT",
      headers: { "content-type": "text/html" },
      body: bytes,
    });
    expect(second.status).toBe(200);
    expect(((await second.json()) as { mediaType: string }).mediaType).toBe("text/plain");
    for (const reader of ["TH:DOE", "TH:ATPD"]) {
      const res = await t.as(reader, `/v1/attachments/${sha}`);
      expect(res.headers.get("content-type")).toBe("text/plain");
    }
  });

  it("serves every download as an attachment the browser must not sniff", async () => {
    await put("TH:DOE", sha, bytes);
    const res = await t.as("TH:DOE", `/v1/attachments/${sha}`);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${sha}"`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
