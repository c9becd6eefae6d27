import { randomBytes } from "node:crypto";
import { FrxError, isFrxError, type ErrorCode } from "@frx/spec";
import { Hono, type Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { jsonObject, limit } from "../http/app.js";
import { authenticateOperator } from "../http/auth/operator-token.js";
import { respondProblem } from "../http/problem.js";
import { securityHeaders } from "../http/security-headers.js";
import type { FrxNode } from "../node.js";
import { consoleRoutes } from "./console-files.js";
import { federationGauges } from "./federation-metrics.js";
import type { AdminOperation } from "./operation.js";
import { agencyOperations } from "./operations-agencies.js";
import { federationOperations } from "./operations-federation.js";
import { trustOperations } from "./operations-trust.js";

export const ADMIN_OPERATIONS: readonly AdminOperation[] = [
  ...agencyOperations,
  ...federationOperations,
  ...trustOperations,
];

/** How long a console session lives (spec/admin.md). */
const SESSION_MS = 15 * 60_000;

type AdminEnv = { Variables: { operator: string } };

/**
 * The admin API and the operator console, served on the admin listener only (FRX-ADM-001,
 * FRX-ADM-002). Every call is authenticated by an operator token, or by a console session
 * together with `x-frx-console: 1` (FRX-ADM-006); every authenticated call is audited
 * (FRX-ADM-005): a change with its own batch, a read or a refusal as an entry of its own.
 */
export function createAdminApp(node: FrxNode, https = false): Hono<AdminEnv> {
  const { ctx } = node;
  const sessions = new Map<string, { operator: string; expiresMs: number }>();
  const app = new Hono<AdminEnv>();
  app.use("*", securityHeaders(https));
  // Admin bodies are agency registrations and trust lists: a megabyte is plenty.
  app.use("*", limit(1024 * 1024));
  app.onError((error, c) => {
    const coded =
      error instanceof TypeError ? new FrxError("request.malformed", error.message) : error;
    if (!isFrxError(coded))
      ctx.logger.error("admin.unhandled", { path: c.req.path, error: String(error) });
    return respondProblem(c, coded);
  });
  app.notFound((c) =>
    respondProblem(
      c,
      new FrxError("request.not-found", `no route for ${c.req.method} ${c.req.path}`),
    ),
  );
  app.route("/", consoleRoutes());

  const audit = async (actor: string, detail: string, code?: ErrorCode) => {
    await ctx.serial.run(() =>
      ctx.store.commit(
        ctx.audit.append(ctx.clock.now().toISOString(), {
          kind: "admin",
          actor,
          detail,
          ...(code ? { code } : {}),
        }),
      ),
    );
  };

  // The console trades a short-lived operator token for a session cookie.
  app.post("/admin/session", async (c) => {
    const operator = await authenticateOperator(ctx, c.req.header("authorization"));
    const id = randomBytes(32).toString("base64url");
    const now = ctx.clock.now().getTime();
    for (const [key, s] of sessions) if (s.expiresMs <= now) sessions.delete(key);
    sessions.set(id, {
      operator: operator.name,
      expiresMs: ctx.clock.now().getTime() + SESSION_MS,
    });
    setCookie(c, "frx_admin", id, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/admin",
      secure: https,
      maxAge: SESSION_MS / 1000,
    });
    await audit(`operator:${operator.name}`, "console session opened");
    return c.json({ operator: operator.name, expiresInSeconds: SESSION_MS / 1000 });
  });

  app.use("/admin/api/*", async (c, next) => {
    const cookie = getCookie(c, "frx_admin");
    const authorization = c.req.header("authorization");
    let name: string;
    if (authorization !== undefined || cookie === undefined) {
      name = (await authenticateOperator(ctx, authorization)).name;
    } else {
      const session = sessions.get(cookie);
      if (!session || session.expiresMs <= ctx.clock.now().getTime()) {
        sessions.delete(cookie);
        throw new FrxError("auth.token-expired", "the console session has ended: sign in again");
      }
      if (c.req.header("x-frx-console") !== "1")
        throw new FrxError("auth.forbidden", "a console call carries x-frx-console: 1");
      name = session.operator;
    }
    c.set("operator", name);
    await next();
  });

  for (const op of ADMIN_OPERATIONS) {
    const handler = async (c: Context<AdminEnv>) => {
      const actor = `operator:${c.get("operator")}`;
      const input: Record<string, unknown> = {
        ...(op.method === "GET" ? {} : await bodyOf(c)),
        ...c.req.param(),
      };
      try {
        const result = await op.run(node, input, actor);
        if (!op.changes) await audit(actor, `admin ${op.name}`);
        return c.json(result ?? {});
      } catch (error) {
        await audit(
          actor,
          `admin ${op.name} refused`,
          isFrxError(error) ? error.code : "internal.error",
        );
        throw error;
      }
    };
    if (op.method === "GET") app.get(`/admin/api${op.path}`, handler);
    else if (op.method === "POST") app.post(`/admin/api${op.path}`, handler);
    else app.delete(`/admin/api${op.path}`, handler);
  }

  app.get("/admin/api/metrics", async (c) =>
    c.text(ctx.metrics.render() + (await federationGauges(ctx, true)), 200, {
      "content-type": "text/plain; version=0.0.4",
    }),
  );
  return app;
}

/** A JSON object body, or an empty one when there is none. */
async function bodyOf(c: Context): Promise<Record<string, unknown>> {
  if (!c.req.header("content-type")) return {};
  return jsonObject(c);
}
