import { createHash } from "node:crypto";
import { isFrxError, parseCanonicalObject, parseCompact, validateDocument } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type TestNode } from "./harness.js";

/**
 * FRX-API-001: every agency and public route answers, on success, with the status of
 * spec/agency-api.md and a body that matches the response schema it names. Each test drives a
 * real route and validates the real body, so a node that drifts from its schemas fails here.
 */
let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

/** The schema's violations for `value` (empty when it matches). */
function violations(schema: string, value: unknown): string[] {
  try {
    validateDocument(schema, value);
    return [];
  } catch (error) {
    if (!isFrxError(error)) throw error;
    return error.violations.map((v) => `${v.pointer}: ${v.message}`);
  }
}

// The body has been checked against its schema; tests read its members freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Checked = any;

async function expectDocument(res: Response, status: number, schema: string): Promise<Checked> {
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as unknown;
  expect(violations(schema, body)).toEqual([]);
  return body;
}

/** A signed document's JWS carries exactly the unsigned copy beside it. */
function expectSigned(jws: string, typ: Parameters<typeof parseCompact>[1], copy: unknown): void {
  expect(parseCanonicalObject(parseCompact(jws, typ).payload)).toEqual(copy);
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("agency API responses match spec/schemas/api", () => {
  it("POST /v1/envelopes: 201 accepted, then 200 duplicate with the same receipt (FRX-API-002, FRX-API-003)", async () => {
    const jws = t.sign(fixture("referral.create"));
    const first = await expectDocument(await t.submit(jws), 201, "api/submit-reply.json");
    expect(first.status).toBe("accepted");
    expect(first.deliveredTo).toEqual(["TH:DSDW"]);
    const again = await expectDocument(await t.submit(jws), 200, "api/submit-reply.json");
    expect(again.status).toBe("duplicate");
    expect(again.receipt).toBe(first.receipt);
    const receipt = parseCanonicalObject(parseCompact(first.receipt, "frx-receipt+jws").payload);
    expect(violations("documents/receipt.json", receipt)).toEqual([]);
  });

  it("GET /v1/inbox and POST /v1/inbox/ack", async () => {
    const create = fixture("referral.create");
    await t.submit(t.sign(create));
    const page = await expectDocument(
      await t.as("TH:DSDW", "/v1/inbox?after=0&limit=10&wait=0"),
      200,
      "api/inbox-page.json",
    );
    expect(page.items.map((i: { messageId: string }) => i.messageId)).toEqual([create.id]);
    expect(page.next).toBe(page.items[0].cursor);
    const ack = await expectDocument(
      await t.as("TH:DSDW", "/v1/inbox/ack", json({ upTo: page.next })),
      200,
      "api/inbox-ack-reply.json",
    );
    expect(ack).toEqual({ acknowledged: 1 });
    const empty = await expectDocument(
      await t.as("TH:DSDW", `/v1/inbox?after=${page.next}`),
      200,
      "api/inbox-page.json",
    );
    expect(empty).toEqual({ items: [], next: page.next });
  });

  it("GET /v1/cases/{case}: the view of a referral with deadlines and timeline", async () => {
    const create = fixture("referral.create");
    await t.submit(t.sign(create));
    for (const who of ["TH:DOE", "TH:DSDW"]) {
      const view = await expectDocument(
        await t.as(who, `/v1/cases/${encodeURIComponent(String(create.case))}`),
        200,
        "api/case-view.json",
      );
      expect(view.referrals).toHaveLength(1);
      expect(view.deadlines.length).toBeGreaterThan(0);
      expect(view.timeline.length).toBeGreaterThan(0);
    }
  });

  it("PUT /v1/attachments/{sha256}: 201 when stored, 200 when held already", async () => {
    const bytes = new TextEncoder().encode("payslip, March 2026");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const put = (type: string) =>
      t.as("TH:DOE", `/v1/attachments/${sha256}`, {
        method: "PUT",
        headers: { "content-type": type },
        body: bytes,
      });
    const first = await expectDocument(await put("text/plain"), 201, "api/attachment-stored.json");
    expect(first).toEqual({ sha256, size: bytes.length, mediaType: "text/plain" });
    const again = await expectDocument(await put("text/html"), 200, "api/attachment-stored.json");
    expect(again.mediaType).toBe("text/plain");
  });

  it("GET /v1/directory, /v1/directories/{own node} and /federation/v1/directory", async () => {
    for (const path of ["/v1/directory", "/v1/directories/TH", "/federation/v1/directory"]) {
      const body = await expectDocument(
        await t.node.app.request(path),
        200,
        "api/signed-directory.json",
      );
      expectSigned(body.jws, "frx-directory+jws", body.directory);
    }
  });

  it("GET /v1/registry, with an entry", async () => {
    const entry = fixture("registry.entry");
    entry.to = [{ participant: "TH:NCC" }];
    const submitted = await t.submit(t.sign(entry));
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    const body = await expectDocument(
      await t.node.app.request("/v1/registry"),
      200,
      "api/signed-registry.json",
    );
    expect(body.registry.entries).toHaveLength(1);
    expectSigned(body.jws, "frx-registry+jws", body.registry);
  });

  it("GET /.well-known/frx-node: minor versions, and a notBefore that does not move without a trust list (FRX-API-019, FRX-API-020)", async () => {
    const fetchMetadata = async () =>
      expectDocument(
        await t.node.app.request("/.well-known/frx-node"),
        200,
        "api/signed-metadata.json",
      );
    const publishedAt = t.clock.now().toISOString();
    const first = await fetchMetadata();
    expectSigned(first.jws, "frx-metadata+jws", first.metadata);
    expect(first.metadata.minorVersions).toEqual(["1.0"]);
    expect(first.metadata.signingKeys[0].notBefore).toBe(publishedAt);
    t.clock.advance(3_600_000);
    const later = await fetchMetadata();
    expect(later.metadata.signingKeys).toEqual(first.metadata.signingKeys);
  });

  it("GET /healthz and /readyz", async () => {
    await expectDocument(await t.node.app.request("/healthz"), 200, "api/health.json");
    const ready = await expectDocument(
      await t.node.app.request("/readyz"),
      200,
      "api/readiness.json",
    );
    expect(ready.status).toBe("ready");
  });
});
