import { MessageType, type MessageOf } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFrxClientError, type FrxClientError, type SendInput } from "../src/index.js";
import { fixture, inputOf, vectorEnvelope } from "./support/fixtures.js";
import { mockNode, type MockNode } from "./support/mock-node.js";

let m: MockNode;
let posts: number;
beforeEach(() => {
  m = mockNode();
  posts = 0;
  // Counted, never expected: a pre-check failure must not reach POST /v1/envelopes.
  m.pool
    .intercept({ path: "/v1/envelopes", method: "POST" })
    .reply(() => {
      posts++;
      return { statusCode: 400, data: "" };
    })
    .persist();
});
afterEach(() => m.agent.close());

type Create = typeof MessageType.ReferralCreate;

async function failure(promise: Promise<unknown>): Promise<FrxClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isFrxClientError(error)) throw new Error(`expected a FrxClientError, got ${String(error)}`);
  return error;
}

describe("local pre-checks, before anything is sent", () => {
  it("refuses a body that does not match its schema, listing every pointer, without any request", async () => {
    // No documents are served: the schema check needs no network at all.
    const input = inputOf<Create>(fixture(MessageType.ReferralCreate));
    const body = {
      ...input.body,
      urgency: "whenever",
      summary: undefined,
    } as unknown as MessageOf<Create>["body"];
    const error = await failure(m.client().send(MessageType.ReferralCreate, { ...input, body }));
    expect(error.code).toBe("schema.invalid");
    expect(error.status).toBeUndefined();
    expect(error.violations.map((v) => v.pointer)).toEqual(
      expect.arrayContaining(["/body/urgency", "/body/summary"]),
    );
    expect(posts).toBe(0);
  });

  it("refuses a referral that omits the case its type requires", async () => {
    const { case: _case, ...input } = inputOf<Create>(fixture(MessageType.ReferralCreate));
    const error = await failure(
      m.client().send(MessageType.ReferralCreate, input as unknown as SendInput<Create>),
    );
    expect(error.code).toBe("schema.invalid");
    expect(error.violations.map((v) => v.pointer)).toContain("/case");
    expect(posts).toBe(0);
  });

  it("refuses immigration data to the police (the firewall) with its JSON pointer", async () => {
    m.serveDocuments();
    const input = inputOf<Create>(vectorEnvelope("policy/policy.firewall-fail"));
    const error = await failure(m.client().send(MessageType.ReferralCreate, input));
    // The problem's code is the first violation's (FRX-POL-003); the firewall's is among them.
    expect(error.code).toMatch(/^policy\./);
    expect(error.violations).toContainEqual(
      expect.objectContaining({
        pointer: "/body/persons/0/immigration/passportNumber",
        code: "policy.firewall",
      }),
    );
    expect(posts).toBe(0);
  });

  it("refuses person-level data to an agency with immigration functions, by its place in `to`", async () => {
    m.serveDocuments();
    const input = inputOf<Create>(fixture(MessageType.ReferralCreate));
    const error = await failure(
      m.client().send(MessageType.ReferralCreate, {
        ...input,
        to: [{ participant: "TH:DSDW" }, { participant: "TH:IMB" }],
      }),
    );
    expect(error.violations).toContainEqual(
      expect.objectContaining({ pointer: "/to/1", code: "policy.immigration-recipient" }),
    );
    expect(posts).toBe(0);
  });

  it("refuses a node's notice sent by an agency (FRX-MSG-006)", async () => {
    const input = inputOf(fixture(MessageType.DeadlineReminder));
    const send = m.client().send as (type: string, input: unknown) => Promise<unknown>;
    const error = await failure(send(MessageType.DeadlineReminder, input));
    expect(error).toMatchObject({ code: "state.actor-forbidden" });
    expect(posts).toBe(0);
  });

  it("does not refuse what only a consent on record could allow: a case message without its own consent", async () => {
    // case.transfer rests on consent in its body; consent.withdraw carries none and relies on
    // the case: judged with the widest consent, it passes the local check and reaches the node.
    m.serveDocuments();
    const input = inputOf<typeof MessageType.ConsentWithdraw>(fixture(MessageType.ConsentWithdraw));
    const error = await failure(m.client().send(MessageType.ConsentWithdraw, input));
    expect(posts).toBe(1);
    expect(error.status).toBe(400);
  });
});
