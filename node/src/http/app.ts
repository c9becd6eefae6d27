import { FrxError, jsonDepth, MAX_JSON_DEPTH } from "@frx/spec";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppContext } from "../context.js";
import type { Ingest } from "../pipeline/ingest.js";
import { authenticateAgency } from "./auth/agency-token.js";
import { respondProblem } from "./problem.js";
import { securityHeaders } from "./security-headers.js";
import { refusalLimits, sourceOf } from "./rate-limit.js";
import { attachmentRoutes } from "./routes/attachments.js";
import { caseRoutes } from "./routes/cases.js";
import { envelopeRoutes } from "./routes/envelopes.js";
import { inboxRoutes } from "./routes/inbox.js";
import { metaRoutes } from "./routes/meta.js";
import { publicRoutes } from "./routes/public.js";
import { registryRoutes } from "./routes/registry.js";
import { federationRoutes } from "./routes/federation.js";

export type Env = { Variables: { participant: string } };

export interface AppDeps {
  ctx: AppContext;
  ingest: Ingest;
  /** Whether the node is ready to serve (keys loaded, store open). */
  ready: () => { ok: boolean; checks: Record<string, boolean>; trustList?: unknown };
}

/**
 * The node's HTTP surface. Handlers are thin; every error, thrown or not found, leaves as
 * RFC 9457 problem+json from respondProblem.
 */
export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.onError((error, c) => {
    if (!(error instanceof FrxError))
      deps.ctx.logger.error("http.unhandled", { path: c.req.path, error: String(error) });
    deps.ctx.metrics.inc("frx_http_problems_total", {
      code: error instanceof FrxError ? error.code : "internal.error",
    });
    return respondProblem(c, error);
  });
  app.notFound((c) => {
    // A path that exists under other methods is 405 with Allow (FRX-ENV-028), not 404.
    const allowed = methodsFor(app, c.req.path);
    if (allowed.length > 0) {
      const res = respondProblem(
        c,
        new FrxError(
          "request.method-not-allowed",
          `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(", ")}`,
        ),
      );
      res.headers.set("allow", allowed.join(", "));
      return res;
    }
    return respondProblem(
      c,
      new FrxError("request.not-found", `no route for ${c.req.method} ${c.req.path}`),
    );
  });

  // A source or agency that has spent its refusals is refused before any work, and a refusal
  // spends one (FRX-ENV-035): refused input costs the node nothing once the bucket is empty.
  app.use("*", securityHeaders(deps.ctx.config.tls !== undefined));
  const limits = refusalLimits(deps.ctx);
  app.use("*", async (c, next) => {
    const header = deps.ctx.config.rateLimit.sourceHeader;
    const source = sourceOf(c.env, header ? c.req.header(header) : undefined);
    limits.sources.check(source, source);
    await next();
    const status = c.res.status;
    if (status >= 400 && status < 500 && status !== 429) {
      limits.sources.spend(source);
      const agency = c.get("participant");
      if (agency) limits.agencies.spend(agency);
    }
  });

  app.route("/", metaRoutes(deps));
  app.route("/", registryRoutes(deps.ctx));
  app.route("/", publicRoutes(deps.ctx));
  app.route("/", envelopeRoutes(deps));
  app.route("/", inboxRoutes(deps.ctx));
  app.route("/", caseRoutes(deps.ctx));
  app.route("/", attachmentRoutes(deps.ctx));
  app.route("/", federationRoutes(deps));
  return app;
}

/** Agency routes: a valid agency token, or a coded 401/403. */
export function agencyAuth(ctx: AppContext): MiddlewareHandler<Env> {
  return async (c, next) => {
    const participant = await authenticateAgency(ctx, c.req.header("authorization"));
    c.set("participant", participant);
    refusalLimits(ctx).agencies.check(participant, participant);
    await next();
  };
}

/** A body size limit that answers with the given code. */
export function limit(
  maxSize: number,
  code: "request.too-large" | "envelope.too-large" = "request.too-large",
): MiddlewareHandler<Env> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new FrxError(code, `the body exceeds ${maxSize} bytes`);
    },
  });
}

/** Refuses a request whose Content-Type is not the one the route takes. */
export function requireMediaType(c: Context, expected: string): void {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== expected)
    throw new FrxError(
      "request.media-type",
      `Content-Type must be ${expected}, is ${type || "missing"}`,
    );
}

/** Parses a JSON body, refusing anything that is not a JSON object. */
export async function jsonObject(c: Context): Promise<Record<string, unknown>> {
  requireMediaType(c, "application/json");
  const text = await c.req.text();
  // Counted without recursion before parsing: nothing recursive meets a deep body (FRX-ENV-032).
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    throw new FrxError("request.malformed", `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FrxError("request.malformed", "the body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new FrxError("request.malformed", "the body must be a JSON object");
  return value as Record<string, unknown>;
}

/** The methods registered for a concrete path (":param" matches one segment). */
function methodsFor(app: Hono<Env>, path: string): string[] {
  const methods = new Set<string>();
  for (const r of app.routes) {
    if (r.method === "ALL") continue;
    const pattern = new RegExp(
      `^${r.path
        .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
        .replace(/\/:[^/]+/g, "/[^/]+")
        .replace(/\/\*$/, "(/.*)?")}$`,
    );
    if (pattern.test(path)) methods.add(r.method);
  }
  return [...methods].sort();
}
