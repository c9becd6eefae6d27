import { generateSigningKey, type PrivateJwk } from "@frx/spec";
import { addOperator, createAdminApp, signOperatorToken } from "../../src/index.js";
import { fixture, type Envelope, type TestNode } from "../harness.js";

export interface Admin {
  operator: PrivateJwk;
  /** A call to the admin API in-process, with a fresh operator token. */
  call(method: string, path: string, body?: unknown): Promise<Response>;
  app: ReturnType<typeof createAdminApp>;
}

/** Registers an operator at the test node and returns a client for its admin API. */
export async function adminOf(t: TestNode, name = "ops"): Promise<Admin> {
  const { privateJwk, publicJwk } = generateSigningKey();
  await addOperator(t.node.ctx, name, publicJwk, "test");
  const app = createAdminApp(t.node);
  return {
    operator: privateJwk,
    app,
    call: async (method, path, body) => {
      const token = await signOperatorToken(privateJwk, name, t.config.node, t.clock.now());
      return app.request(`/admin/api${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
  };
}

export async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code;
}

/** A referral.create from the fixtures with fresh ids, sent now: one more legitimate envelope. */
export function freshReferral(t: TestNode, from = "TH:DOE"): Envelope {
  const e = fixture("referral.create");
  const ids = t.node.ctx.ids;
  e.id = ids();
  e.referral = ids();
  e.case = `${from}:${ids()}`;
  e.from = from;
  e.sentAt = t.clock.now().toISOString();
  return e;
}
