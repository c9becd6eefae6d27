import { sign } from "node:crypto";
import {
  canonicalize,
  createSigner,
  digestOf,
  generateSigningKey,
  importPublicKey,
  signEnvelope,
  verifyReceipt,
} from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setParticipantStatus } from "../src/admin/participants.js";
import { nodePublicKeys } from "../src/config/keys.js";
import { fixture, thaiNode, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

async function refusal(res: Response): Promise<{
  status: number;
  code: string;
  violations?: Array<{ pointer: string; code: string }>;
  contentType: string | null;
}> {
  const body = (await res.json()) as {
    code: string;
    violations?: Array<{ pointer: string; code: string }>;
    type: string;
  };
  expect(body.type).toBe(`urn:frx:problem:${body.code}`);
  return {
    status: res.status,
    code: body.code,
    ...(body.violations ? { violations: body.violations } : {}),
    contentType: res.headers.get("content-type"),
  };
}

/** Signs any header and payload text as they are, to break one rule on purpose. */
function rawJws(header: object, payload: string, t: TestNode, as = "TH:DOE"): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64url");
  const input = `${b64(JSON.stringify(header))}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), t.agencies.get(as)!.signer.privateKey).toString("base64url")}`;
}

describe("POST /v1/envelopes: accepting", () => {
  it("stores the envelope and answers 201 with a receipt signed by the node that echoes the digest", async () => {
    const jws = t.sign(fixture("referral.create"));
    const res = await t.submit(jws);
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      status: string;
      receipt: string;
      deliveredTo: string[];
      messageId: string;
    };
    expect(body.status).toBe("accepted");
    expect(body.deliveredTo).toEqual(["TH:DSDW"]);
    const nodeKey = nodePublicKeys(t.node.ctx.keys).signing;
    const receipt = await verifyReceipt(
      body.receipt,
      { messageId: body.messageId, digest: digestOf(jws), node: "TH" },
      (kid) => (kid === nodeKey.kid ? { key: importPublicKey(nodeKey), owner: "TH" } : undefined),
    );
    expect(receipt.deliveredTo).toEqual(["TH:DSDW"]);
  });

  it("answers a duplicate (same id, same bytes) with 200 and the very same receipt, and applies nothing twice", async () => {
    const jws = t.sign(fixture("referral.create"));
    const first = (await (await t.submit(jws)).json()) as { receipt: string };
    const again = await t.submit(jws);
    expect(again.status).toBe(200);
    const second = (await again.json()) as { receipt: string; status: string };
    expect(second.status).toBe("duplicate");
    expect(second.receipt).toBe(first.receipt);
    const inbox = (await (await t.as("TH:DSDW", "/v1/inbox")).json()) as { items: unknown[] };
    expect(inbox.items).toHaveLength(1);
  });

  it("refuses the same id with other content: 409 idempotency.conflict", async () => {
    const envelope = fixture("referral.create");
    await t.submit(t.sign(envelope));
    const changed = { ...envelope, body: { ...envelope.body, summary: "Changed after sending." } };
    expect(await refusal(await t.submit(t.sign(changed)))).toMatchObject({
      status: 409,
      code: "idempotency.conflict",
    });
  });

  it("delivers a referral routed by mandate (node + power) to the agency that holds the power", async () => {
    const envelope = fixture("referral.create");
    envelope.to = [{ node: "TH", power: "victim_protection" }];
    const res = await t.submit(t.sign(envelope));
    expect(((await res.json()) as { deliveredTo: string[] }).deliveredTo).toEqual(["TH:DSDW"]);
  });
});

describe("POST /v1/envelopes: signature and envelope checks", () => {
  const base = () => fixture("case.notify");
  const domesticOnly = () => ({
    ...base(),
    to: [{ participant: "TH:ATPD" }, { participant: "TH:NCC" }],
  });

  it.each([
    [
      "a payload changed after signing",
      "jws.signature-invalid",
      400,
      (t: TestNode) => {
        const [h, , s] = t.sign(domesticOnly()).split(".");
        return `${h}.${Buffer.from(canonicalize({ ...domesticOnly(), purpose: "labour_inspection" })).toString("base64url")}.${s}`;
      },
    ],
    [
      "a key no one registered",
      "jws.kid-unknown",
      400,
      () => signEnvelope(domesticOnly(), createSigner(generateSigningKey().privateJwk)),
    ],
    [
      "a payload that is not canonical JSON",
      "envelope.non-canonical",
      400,
      (t: TestNode) =>
        rawJws(
          { alg: "Ed25519", typ: "frx-envelope+jws", kid: t.agencies.get("TH:DOE")!.signer.kid },
          JSON.stringify(domesticOnly(), null, 2),
          t,
        ),
    ],
    [
      "a JWT typ",
      "jws.typ-invalid",
      400,
      (t: TestNode) =>
        rawJws(
          { alg: "Ed25519", typ: "JWT", kid: t.agencies.get("TH:DOE")!.signer.kid },
          canonicalize(domesticOnly()),
          t,
        ),
    ],
    [
      "alg EdDSA instead of Ed25519",
      "jws.alg-unsupported",
      400,
      (t: TestNode) =>
        rawJws(
          { alg: "EdDSA", typ: "frx-envelope+jws", kid: t.agencies.get("TH:DOE")!.signer.kid },
          canonicalize(domesticOnly()),
          t,
        ),
    ],
    [
      "a header that names its own key (jwk)",
      "jws.header-invalid",
      400,
      (t: TestNode) =>
        rawJws(
          {
            alg: "Ed25519",
            typ: "frx-envelope+jws",
            kid: t.agencies.get("TH:DOE")!.signer.kid,
            jwk: {},
          },
          canonicalize(domesticOnly()),
          t,
        ),
    ],
    [
      "a key registered for another agency than `from`",
      "envelope.signer-mismatch",
      400,
      (t: TestNode) => signEnvelope(domesticOnly(), t.agencies.get("TH:DSDW")!.signer),
    ],
    ["something that is not a JWS", "jws.malformed", 400, () => "this is not a jws"],
    [
      "a payload that is not JSON",
      "envelope.payload-not-json",
      400,
      (t: TestNode) =>
        rawJws(
          { alg: "Ed25519", typ: "frx-envelope+jws", kid: t.agencies.get("TH:DOE")!.signer.kid },
          "case notified",
          t,
        ),
    ],
    [
      "an unknown message type",
      "schema.unknown-type",
      400,
      (t: TestNode) => t.sign({ ...domesticOnly(), type: "immigration.report" }),
    ],
    [
      "a member no schema defines",
      "schema.invalid",
      400,
      (t: TestNode) => t.sign({ ...domesticOnly(), visaCheck: "requested" }),
    ],
  ])("refuses %s with %s", async (_, code, status, make) => {
    expect(await refusal(await t.submit(make(t)))).toMatchObject({
      status,
      code,
      contentType: "application/problem+json",
    });
  });

  it("refuses an expired envelope and one sent from the future, beyond the skew", async () => {
    t.node.ctx.config.skewSeconds = 60;
    const envelope = domesticOnly();
    t.clock.set("2026-04-02T00:00:00Z");
    expect(await refusal(await t.submit(t.sign(envelope)))).toMatchObject({
      status: 400,
      code: "envelope.expired",
    });
    t.clock.set("2026-03-02T08:00:00Z");
    expect(await refusal(await t.submit(t.sign(envelope)))).toMatchObject({
      status: 400,
      code: "envelope.not-yet-valid",
    });
  });

  it("refuses a sender that is not registered here or is disabled", async () => {
    await setParticipantStatus(t.node.ctx, "TH:DOE", "disabled");
    expect(await refusal(await t.submit(t.sign(domesticOnly())))).toMatchObject({
      status: 403,
      code: "auth.participant-disabled",
    });
  });

  it("refuses an oversized body with 413 envelope.too-large before reading it all", async () => {
    const huge = "x".repeat(t.node.ctx.config.limits.envelopeBytes + 100);
    expect(await refusal(await t.submit(huge))).toMatchObject({
      status: 413,
      code: "envelope.too-large",
    });
  });

  it("refuses a wrong content type with 415", async () => {
    const res = await t.node.app.request("/v1/envelopes", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await refusal(res)).toMatchObject({ status: 415, code: "request.media-type" });
  });

  it("refuses a recipient that is not registered, or on a node this node cannot reach", async () => {
    const unknown = { ...domesticOnly(), to: [{ participant: "TH:NOBODY" }] };
    expect(await refusal(await t.submit(t.sign(unknown)))).toMatchObject({
      status: 422,
      code: "routing.recipient-unknown",
      violations: [{ pointer: "/to/0" }],
    });
    const foreign = {
      ...domesticOnly(),
      id: "01KJPWGVT06F3AHQXK8TNA5ZZZ",
      to: [{ participant: "LA:MOLSW" }],
    };
    expect(await refusal(await t.submit(t.sign(foreign)))).toMatchObject({
      status: 422,
      code: "routing.recipient-unknown",
    });
  });
});

describe("accepted types", () => {
  it("refuses to deliver a type the addressed agency does not accept (FRX-ENV-010)", async () => {
    const { registerParticipant } = await import("../src/admin/participants.js");
    const { generateSigningKey } = await import("@frx/spec");
    await registerParticipant(t.node.ctx, {
      id: "TH:STATS",
      name: "Statistics office",
      roles: ["national_coordinator"],
      orgType: "CentralGovernmentOrganisation",
      acceptedTypes: ["stats.report"],
      publicJwk: generateSigningKey().publicJwk,
    });
    const env = {
      ...fixture("case.notify"),
      to: [{ participant: "TH:STATS" }],
      purpose: "case_coordination",
    };
    const res = await t.submit(t.sign(env));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: "routing.recipient-unknown",
      violations: [{ pointer: "/to/0" }],
    });
  });
});
