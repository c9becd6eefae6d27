import { digestOf, MessageType } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFrxClientError, type FrxClientError } from "../src/index.js";
import { fixture, inputOf } from "./support/fixtures.js";
import { mockNode, type MockNode } from "./support/mock-node.js";

const POST = { path: "/v1/envelopes", method: "POST" } as const;
const PROBLEM = { "content-type": "application/problem+json" };
let m: MockNode;
beforeEach(() => {
  m = mockNode();
  m.serveDocuments();
});
afterEach(() => m.agent.close());

/** A referral.create the mock directory resolves (TH:DOE to TH:DSDW). */
const referral = () =>
  inputOf<typeof MessageType.ReferralCreate>(fixture(MessageType.ReferralCreate));

async function failure(promise: Promise<unknown>): Promise<FrxClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isFrxClientError(error)) throw new Error(`expected a FrxClientError, got ${String(error)}`);
  return error;
}

describe("send: retries and idempotency", () => {
  it("retries 503 after Retry-After, sending the very same signed bytes, then verifies the receipt", async () => {
    const bodies: string[] = [];
    const unavailable = (opts: { body?: unknown }) => {
      bodies.push(String(opts.body));
      return {
        statusCode: 503,
        data: {
          type: "urn:frx:problem:node.not-ready",
          title: "t",
          status: 503,
          code: "node.not-ready",
        },
        responseOptions: { headers: { ...PROBLEM, "retry-after": "2" } },
      };
    };
    m.pool.intercept(POST).reply(unavailable);
    m.pool.intercept(POST).reply(unavailable);
    m.pool.intercept(POST).reply((opts) => {
      bodies.push(String(opts.body));
      return { statusCode: 201, data: m.reply(String(opts.body)) };
    });
    const result = await m.client().send(MessageType.ReferralCreate, referral());
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toBe(result.jws);
    expect(m.waits).toEqual([2000, 2000]);
    expect(result).toMatchObject({ status: "accepted", digest: digestOf(result.jws) });
    expect(result.receipt).toMatchObject({ messageId: result.messageId, node: "TH" });
  });

  it("takes a 200 duplicate (same id, same bytes, the original receipt) as success", async () => {
    m.pool.intercept(POST).reply((opts) => ({
      statusCode: 200,
      data: { ...m.reply(String(opts.body)), status: "duplicate" },
    }));
    const result = await m.client().send(MessageType.ReferralCreate, referral());
    expect(result.status).toBe("duplicate");
    expect(result.receipt.digest).toBe(result.digest);
  });

  it("retries network errors with capped, jittered backoff, then fails with client.network", async () => {
    m.pool.intercept(POST).replyWithError(new Error("socket hang up")).times(3);
    const client = m.client("TH:DOE", { retry: { attempts: 3, baseMs: 100, maxMs: 150 } });
    const error = await failure(client.send(MessageType.ReferralCreate, referral()));
    expect(error.code).toBe("client.network");
    expect(error.status).toBeUndefined();
    expect(m.waits).toHaveLength(2);
    expect(m.waits[0]).toBeGreaterThanOrEqual(50);
    expect(m.waits[0]).toBeLessThanOrEqual(100);
    expect(m.waits[1]).toBeGreaterThanOrEqual(75);
    expect(m.waits[1]).toBeLessThanOrEqual(150);
  });

  it("does not retry a 4xx refusal, and surfaces its code, status and problem", async () => {
    let calls = 0;
    const problem = {
      type: "urn:frx:problem:state.sequence-conflict",
      title: "The envelope's sequence is not the current version plus one.",
      status: 409,
      detail: "sequence 3, expected 2",
      code: "state.sequence-conflict",
    };
    m.pool
      .intercept(POST)
      .reply(() => {
        calls++;
        return { statusCode: 409, data: problem, responseOptions: { headers: PROBLEM } };
      })
      .persist();
    const error = await failure(m.client().send(MessageType.ReferralCreate, referral()));
    expect(calls).toBe(1);
    expect(m.waits).toEqual([]);
    expect(error).toMatchObject({ code: "state.sequence-conflict", status: 409, problem });
    expect(error.message).toBe("sequence 3, expected 2");
  });

  it("carries a policy refusal's violations (JSON pointers) from the problem document", async () => {
    const violations = [
      {
        pointer: "/body/persons/0/identified/fullName",
        code: "policy.consent-scope",
        message: "consent does not name foreign_authorities",
      },
    ];
    m.pool.intercept(POST).reply(422, {
      type: "urn:frx:problem:policy.consent-scope",
      title: "t",
      status: 422,
      code: "policy.consent-scope",
      violations,
    });
    const error = await failure(m.client().send(MessageType.ReferralCreate, referral()));
    expect(error).toMatchObject({ code: "policy.consent-scope", status: 422, violations });
  });

  it("calls a refusal without a problem document client.response-invalid, with its status", async () => {
    m.pool.intercept(POST).reply(400, "<html>bad gateway config</html>");
    const error = await failure(m.client().send(MessageType.ReferralCreate, referral()));
    expect(error).toMatchObject({ code: "client.response-invalid", status: 400 });
  });
});

describe("send: receipts", () => {
  it("refuses a receipt that does not echo the digest of the bytes sent: client.receipt-invalid", async () => {
    m.pool.intercept(POST).reply((opts) => ({
      statusCode: 201,
      data: m.reply(String(opts.body), { digest: "0".repeat(64) }),
    }));
    const error = await failure(m.client().send(MessageType.ReferralCreate, referral()));
    expect(error.code).toBe("client.receipt-invalid");
    expect((error.cause as { code: string }).code).toBe("receipt.digest-mismatch");
  });

  it("names the envelope of a failed submission, so that the same bytes can be submitted again (FRX-API-010)", async () => {
    const sent: string[] = [];
    m.pool.intercept(POST).reply((opts) => {
      sent.push(String(opts.body));
      return { statusCode: 201, data: m.reply(String(opts.body), { digest: "0".repeat(64) }) };
    });
    const error = await failure(m.client().send(MessageType.ReferralCreate, referral()));
    expect(error.code).toBe("client.receipt-invalid");
    expect(error.submission?.jws).toBe(sent[0]);
    const id = (
      JSON.parse(Buffer.from(sent[0]!.split(".")[1]!, "base64url").toString()) as { id: string }
    ).id;
    expect(error.submission?.messageId).toBe(id);
    m.pool.intercept(POST).reply(
      409,
      {
        type: "urn:frx:problem:idempotency.conflict",
        title: "t",
        status: 409,
        code: "idempotency.conflict",
      },
      { headers: PROBLEM },
    );
    const refused = await failure(m.client().submit(sent[0]!));
    expect(refused).toMatchObject({ code: "idempotency.conflict", status: 409 });
    expect(refused.submission).toEqual({ messageId: id, jws: sent[0] });
  });

  it("refuses a receipt signed by a key that is not the node's", async () => {
    m.pool.intercept(POST).reply((opts) => {
      const forged = m.reply(String(opts.body)) as { receipt: string };
      const [h, p] = forged.receipt.split(".");
      return { statusCode: 201, data: { ...forged, receipt: `${h}.${p}.${"A".repeat(86)}` } };
    });
    const error = await failure(m.client().send(MessageType.ReferralCreate, referral()));
    expect(error.code).toBe("client.receipt-invalid");
  });

  it("refuses a reply that names another message id: client.response-invalid", async () => {
    m.pool.intercept(POST).reply((opts) => ({
      statusCode: 201,
      data: { ...m.reply(String(opts.body)), messageId: "01KJPZ00000000000000000000" },
    }));
    const error = await failure(m.client().send(MessageType.ReferralCreate, referral()));
    expect(error.code).toBe("client.response-invalid");
  });
});
