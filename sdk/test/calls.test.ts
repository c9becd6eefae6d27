import { MessageType } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFrxClientError, type FrxClientError } from "../src/index.js";
import { fixture, inputOf } from "./support/fixtures.js";
import { mockNode, type MockNode } from "./support/mock-node.js";

const POST = { path: "/v1/envelopes", method: "POST" } as const;
let m: MockNode;
beforeEach(() => {
  m = mockNode();
  m.serveDocuments();
});
afterEach(() => m.agent.close());

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

describe("timeouts and aborts", () => {
  it("gives up on a node that does not answer within the per-call timeout: client.timeout", async () => {
    // The mock holds its reply far beyond the 5 ms timeout; nothing in the test waits for it.
    m.pool.intercept(POST).reply(201, {}).delay(60_000);
    const client = m.client("TH:DOE", { retry: { attempts: 1 } });
    await client.directory(); // cached, so only the submission is timed
    const error = await failure(
      client.send(MessageType.ReferralCreate, { ...referral(), timeoutMs: 5 }),
    );
    expect(error.code).toBe("client.timeout");
    expect(error.message).toMatch(/^\/v1\/envelopes: no answer in 5 ms/);
  });

  it("retries after a timeout with the same bytes, and succeeds", async () => {
    const bodies: string[] = [];
    m.pool
      .intercept(POST)
      .reply((opts) => {
        bodies.push(String(opts.body));
        return { statusCode: 201, data: {} };
      })
      .delay(60_000);
    m.pool.intercept(POST).reply((opts) => {
      bodies.push(String(opts.body));
      return { statusCode: 201, data: m.reply(String(opts.body)) };
    });
    const client = m.client("TH:DOE", { timeoutMs: 250 });
    const result = await client.send(MessageType.ReferralCreate, referral());
    expect(result.status).toBe("accepted");
    expect(bodies).toEqual([result.jws, result.jws]);
  });

  it("stops a call in flight when its signal aborts: client.aborted, no retry", async () => {
    const controller = new AbortController();
    let calls = 0;
    m.pool
      .intercept(POST)
      .reply(() => {
        calls++;
        controller.abort();
        return { statusCode: 201, data: {} };
      })
      .delay(60_000)
      .persist();
    const error = await failure(
      m.client().send(MessageType.ReferralCreate, { ...referral(), signal: controller.signal }),
    );
    expect(error.code).toBe("client.aborted");
    expect(calls).toBe(1);
  });

  it("does not start a call whose signal has already aborted", async () => {
    const error = await failure(
      m.client().send(MessageType.ReferralCreate, { ...referral(), signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe("client.aborted");
  });

  it("stops waiting to retry when aborted during the backoff", async () => {
    const controller = new AbortController();
    m.pool.intercept(POST).reply(503, "busy");
    const client = m.client("TH:DOE", {
      clock: {
        now: () => new Date("2026-03-02T09:45:00Z"),
        sleep: () => {
          controller.abort();
          return Promise.reject(new Error("aborted"));
        },
      },
    });
    const error = await failure(
      client.send(MessageType.ReferralCreate, { ...referral(), signal: controller.signal }),
    );
    expect(error.code).toBe("client.aborted");
  });

  it("refuses calls after close: client.closed", async () => {
    const client = m.client();
    await client.close();
    expect((await failure(client.directory())).code).toBe("client.closed");
  });
});

describe("agency tokens", () => {
  it("sends a fresh Ed25519 frx-agency+jwt on each attempt: iss, aud, short lifetime, new jti", async () => {
    const tokens: string[] = [];
    const path = (p: string) => p.startsWith("/v1/inbox/ack");
    m.pool
      .intercept({ path, method: "POST" })
      .reply((opts) => {
        tokens.push(String((opts.headers as Record<string, string>).authorization));
        return tokens.length === 1
          ? { statusCode: 503, data: "" }
          : { statusCode: 200, data: { acknowledged: 0 } };
      })
      .persist();
    await m.client().ack(7);
    expect(tokens).toHaveLength(2);
    const claims = tokens.map((t) => {
      const [h, p] = t.replace(/^Bearer /, "").split(".");
      const decode = (s: string) => JSON.parse(Buffer.from(s, "base64url").toString()) as object;
      return { header: decode(h!), payload: decode(p!) as Record<string, number | string> };
    });
    expect(claims[0]!.header).toMatchObject({ alg: "Ed25519", typ: "frx-agency+jwt" });
    expect(claims[0]!.payload).toMatchObject({ iss: "TH:DOE", aud: "TH" });
    const { iat, exp } = claims[0]!.payload as { iat: number; exp: number };
    expect(exp - iat).toBe(60);
    expect(claims[0]!.payload.jti).not.toBe(claims[1]!.payload.jti);
  });
});

describe("client options", () => {
  it("names the node option, with a client error code, when the agency belongs to another node", () => {
    let error: unknown;
    try {
      m.client("LA:MOLSW");
    } catch (e) {
      error = e;
    }
    expect(isFrxClientError(error, "client.node-mismatch")).toBe(true);
    expect((error as Error).message).toContain("options.node is TH");
    expect((error as Error).message).toContain('node: "LA"');
  });
});
