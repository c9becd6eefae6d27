import { createHash } from "node:crypto";
import type { HttpBindings } from "@hono/node-server";
import {
  digestOf,
  importPublicKey,
  isFrxError,
  publicJwkOf,
  verifyEnvelope,
  type AnyMessage,
} from "@frx/spec";
import { Hono, type Context } from "hono";
import { caseView } from "./case-view.js";
import { lookupAnswer } from "./lookup.js";
import type { PlantedItem } from "./inbox-items.js";
import { RETRY_AFTER_SECONDS, type Fault, type Ledger } from "./ledger.js";
import { problem } from "./status.js";
import { StandInStore } from "./store.js";
import { judgeToken } from "./tokens.js";
import type { ClientWorld } from "./world.js";

type Ctx = Context<{ Bindings: HttpBindings }>;

export interface StandInDeps {
  world: ClientWorld;
  ledger: Ledger;
  items: PlantedItem[];
  fault?: Fault;
  /** Every jti accepted in this run, across scenarios. */
  jtis: Set<string>;
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(header: string | undefined): string | undefined {
  return header?.split(";")[0]?.trim().toLowerCase() || undefined;
}

/** The longest the stand-in holds an empty long-poll: no item arrives later in a scenario. */
const MAX_HOLD_MS = 1000;
/** The largest file the stand-in node keeps: a task's evidence is a few hundred bytes. */
const MAX_UPLOAD_BYTES = 1 << 20;

/**
 * The agency API of a national node, as the client profile plays it: signed metadata,
 * directories and trust list; an inbox of planted items; the case view of their referrals;
 * and envelope submission with the referral machine, idempotency and signed receipts, except
 * where the scenario's fault says otherwise. Every request, token and submission is written
 * to the ledger for the checks.
 */
export function standInApp(d: StandInDeps): Hono<{ Bindings: HttpBindings }> {
  const { world, ledger } = d;
  const app = new Hono<{ Bindings: HttpBindings }>();
  const clientPub = publicJwkOf(world.clientKey);
  const inbox = [...d.items]
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .map((item, i) => ({ ...item, cursor: i + 1 }));
  const store = new StandInStore(world, d.items);
  let target: string | undefined;

  app.use("*", async (c, next) => {
    ledger.requests.push(`${c.req.method} ${c.req.path}`);
    await next();
  });

  /** Judges the token; answers the refusal a node would give, or undefined to go on. */
  const authorize = (c: { req: Ctx["req"] }, required: boolean): Response | undefined => {
    const header = c.req.header("authorization");
    if (header === undefined && !required) return undefined;
    const verdict = judgeToken(
      header,
      { participant: world.participant, node: world.node, key: clientPub },
      Date.now(),
    );
    const replayed = verdict.jti !== undefined && d.jtis.has(verdict.jti);
    ledger.tokens.push({
      at: Date.now(),
      route: `${c.req.method} ${c.req.path}`,
      verdict,
      replayed,
    });
    if (verdict.code) return problem(verdict.code, verdict.problems.join("; "));
    if (replayed) return problem("auth.token-replayed", `jti ${verdict.jti} was used before`);
    d.jtis.add(verdict.jti!);
    return undefined;
  };

  app.get("/.well-known/frx-node", (c) => c.json(world.docs.metadata()));
  app.get("/v1/directory", (c) => c.json(world.docs.directory()));
  app.get("/v1/directories/:node", (c) =>
    c.req.param("node") === world.foreign.node
      ? c.json(world.foreignDocs.directory())
      : problem("request.not-found", `no directory of node ${c.req.param("node")}`),
  );
  app.get("/v1/trust-list", (c) => c.json(world.trust));

  app.get("/v1/inbox", async (c) => {
    const refused = authorize(c, true);
    if (refused) return refused;
    const q = {
      after: c.req.query("after") ?? "0",
      limit: c.req.query("limit") ?? "100",
      wait: c.req.query("wait") ?? "0",
    };
    if (!Object.values(q).every((v) => /^\d{1,15}$/.test(v)) || Number(q.limit) < 1)
      return problem(
        "request.malformed",
        "after, limit and wait are decimal integers (limit at least 1)",
      );
    const after = Number(q.after);
    const items = inbox
      .filter((i) => i.cursor > after && !ledger.acked.includes(i.cursor))
      .slice(0, Math.min(500, Number(q.limit)));
    if (items.length === 0 && Number(q.wait) > 0)
      await new Promise((resolve) => setTimeout(resolve, Math.min(Number(q.wait), MAX_HOLD_MS)));
    return c.json({
      items: items.map((i) => ({
        cursor: i.cursor,
        messageId: i.messageId,
        receivedAt: i.receivedAt,
        jws: i.jws,
      })),
      next: items.at(-1)?.cursor ?? after,
    });
  });

  app.post("/v1/inbox/ack", async (c) => {
    const refused = authorize(c, true);
    if (refused) return refused;
    if (mediaType(c.req.header("content-type")) !== "application/json")
      return problem("request.media-type", "an acknowledgement is application/json");
    const body = (await c.req.json().catch(() => null)) as {
      upTo?: unknown;
      cursors?: unknown;
    } | null;
    const upTo = body?.upTo;
    const cursors = body?.cursors;
    if (
      !body ||
      (upTo !== undefined && !Number.isSafeInteger(upTo)) ||
      (cursors !== undefined && !(Array.isArray(cursors) && cursors.every(Number.isSafeInteger)))
    )
      return problem("request.malformed", "the body is {upTo} and/or {cursors}");
    const limit = typeof upTo === "number" ? upTo : -1;
    const listed = (cursors ?? []) as number[];
    const gone = inbox.filter(
      (i) => !ledger.acked.includes(i.cursor) && (i.cursor <= limit || listed.includes(i.cursor)),
    );
    ledger.acked.push(...gone.map((i) => i.cursor));
    return c.json({ acknowledged: gone.length });
  });

  app.get("/v1/cases/:case", (c) => {
    const refused = authorize(c, true);
    if (refused) return refused;
    const view = caseView(c.req.param("case"), [...store.records.values()], world.participant);
    return view ? c.json(view) : problem("request.not-found", "no such case");
  });

  app.get("/v1/registry/lookup", (c) => {
    const refused = authorize(c, true);
    if (refused) return refused;
    const registrationNumber = c.req.query("registrationNumber");
    const issuer = c.req.query("issuer");
    if (!registrationNumber || !issuer || !/^[A-Z]{2}$/.test(issuer))
      return problem("request.malformed", "registrationNumber and issuer (a country code)");
    return c.json(lookupAnswer(world, { registrationNumber, issuer }));
  });

  app.put("/v1/attachments/:sha256", async (c) => {
    const refused = authorize(c, true);
    if (refused) return refused;
    const sha256 = c.req.param("sha256");
    const type = mediaType(c.req.header("content-type"));
    if (!/^[0-9a-f]{64}$/.test(sha256) || !type)
      return problem("request.malformed", "a lower-case hex SHA-256 and a Content-Type");
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > MAX_UPLOAD_BYTES)
      return problem(
        "request.too-large",
        `the stand-in node keeps files of ${MAX_UPLOAD_BYTES} bytes at most`,
      );
    if (createHash("sha256").update(bytes).digest("hex") !== sha256)
      return problem("attachment.digest-mismatch", "the bytes do not hash to the address");
    const known = ledger.uploads.some((u) => u.sha256 === sha256);
    if (!known) ledger.uploads.push({ sha256, size: bytes.byteLength, mediaType: type });
    return c.json({ sha256, size: bytes.byteLength, mediaType: type }, known ? 200 : 201);
  });

  app.post("/v1/envelopes", async (c) => {
    const at = Date.now();
    const jws = await c.req.text();
    const refused = authorize(c, false);
    if (refused) return ledger.record({ at, jws, answer: refused });
    const type = mediaType(c.req.header("content-type"));
    if (type !== "application/jose") {
      const why = `Content-Type is ${type ?? "missing"}, not application/jose`;
      return ledger.record({
        at,
        jws,
        invalid: `request.media-type: ${why}`,
        answer: problem("request.media-type", why),
      });
    }
    let message: AnyMessage;
    try {
      const verified = await verifyEnvelope(jws, {
        resolveKey: (kid) =>
          kid === clientPub.kid
            ? { key: importPublicKey(clientPub), owner: world.participant }
            : undefined,
      });
      message = verified.message;
    } catch (error) {
      const code = isFrxError(error) ? error.code : "request.malformed";
      return ledger.record({
        at,
        jws,
        invalid: `${code}: ${String(error)}`,
        answer: problem(code, String(error)),
      });
    }
    const id = message.id;
    const ref = message.referral;
    const digest = digestOf(jws);
    // What every ledger entry of a verified envelope records.
    const seen = { at, jws, id, ref, message };
    if (d.fault && (target === undefined || target === id)) {
      target = id;
      const fault = d.fault;
      const first = ledger.of(id).length === 0;
      if (fault === "conflict")
        return ledger.record({
          ...seen,
          fault,
          answer: problem("idempotency.conflict", `another envelope ${id} was stored before`),
        });
      if ((fault === "rate-limited" || fault === "not-ready") && first)
        return ledger.record({
          ...seen,
          fault,
          answer:
            fault === "rate-limited"
              ? problem("request.rate-limited", "slow down", {
                  "retry-after": String(RETRY_AFTER_SECONDS),
                })
              : problem("node.not-ready", "the node cannot store envelopes yet", {
                  "retry-after": String(RETRY_AFTER_SECONDS),
                }),
        });
      if (fault === "drop" && first) {
        const kept = store.accept(message, digest, jws);
        if (kept instanceof Response) return ledger.record({ ...seen, answer: kept });
        c.env.incoming.socket.destroy();
        return ledger.record({
          ...seen,
          fault,
          dropped: true,
          answer: kept.response,
        });
      }
      if ((fault === "receipt-stranger" || fault === "receipt-digest") && first) {
        const kept = store.accept(message, digest, jws, fault);
        return ledger.record({
          ...seen,
          fault,
          answer: kept instanceof Response ? kept : kept.response,
        });
      }
    }
    const kept = store.accept(message, digest, jws);
    return ledger.record({
      ...seen,
      answer: kept instanceof Response ? kept : kept.response,
    });
  });

  app.all("*", (c) =>
    problem("request.not-found", `the stand-in node has no ${c.req.method} ${c.req.path}`),
  );

  return app;
}
