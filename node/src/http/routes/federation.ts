import { canonicalize, FrxError, registryQueryOf, signCompact, TRANSFER_HEADER } from "@frx/spec";
import { IncomingMessage } from "node:http";
import { Hono, type Context } from "hono";
import type { AppDeps, Env } from "../app.js";
import { limit, requireMediaType } from "../app.js";
import { directoryDocument } from "../../domain/documents.js";
import { signedRegistry } from "../../domain/registry-document.js";
import { receiveTransaction, receiveWake } from "../../federation/inbound.js";
import { readTransaction, TransactionIntake } from "../../federation/intake.js";
import { probeTransfer, receiveTransfer } from "../../federation/attachment-inbound.js";
import { applyErasureNotice } from "../../privacy/notice.js";

const SHA256 = /^[0-9a-f]{64}$/;

function digestParam(value: string): string {
  if (!SHA256.test(value))
    throw new FrxError("request.malformed", "an attachment is named by its lower-case hex SHA-256");
  return value;
}

const encoder = new TextEncoder();

/**
 * A request's body as it streams in. Served by Node (`@hono/node-server`), that is the Node
 * request itself, read before anything builds the web Request: the web stream hono would
 * make of it copies every chunk (`Readable.toWeb` hands out a new Uint8Array per Buffer),
 * 100 MB per 100 MB file. Elsewhere (in-process tests) it is the web Request's body.
 */
function bodyOf(c: Context<Env>): AsyncIterable<Uint8Array> | null {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  // Not destroyed when the reader stops early (a refused record): the refusal must still
  // reach the peer, and the adapter drains the rest once the answer is sent.
  if (incoming instanceof IncomingMessage) return incoming.iterator({ destroyOnReturn: false });
  return c.req.raw.body as AsyncIterable<Uint8Array> | null;
}

/** The protocol's limits on a transaction: 50 envelopes (FRX-FED-013) of at most 262,144 bytes. */
const PROTOCOL_MAX_ENVELOPES = 50;
const PROTOCOL_MAX_ENVELOPE_BYTES = 262_144;

/**
 * The largest transaction body this node takes (FRX-FED-015, FRX-FED-016): one that seals 50
 * envelopes of the protocol's maximum size, whatever this node's own batch size and envelope
 * limit. Base64url is applied twice (the transaction payload inside the JWS, the JWS inside
 * the JWE), so the envelopes grow by 16/9; each envelope also costs its JSON quotes and comma,
 * and the transaction's other members, the JWS and JWE headers, IV and tag fit in the
 * headroom.
 */
export const MAX_TRANSACTION_BODY_BYTES =
  Math.ceil((PROTOCOL_MAX_ENVELOPES * (PROTOCOL_MAX_ENVELOPE_BYTES + 3) * 16) / 9) + 64 * 1024;

/**
 * The federation API, for peer nodes:
 * PUT /federation/v1/transactions/:txnId — an encrypted, node-signed batch of envelopes;
 * GET, PUT /federation/v1/attachments/:sha256 — a peer's file, in sealed records, resumable;
 * POST /federation/v1/wake — a peer asks us to flush our outbox to it;
 * POST /federation/v1/erasure-notices — a party's node erased content on request (FRX-DP-015);
 * GET /federation/v1/directory — our signed directory, for peers to verify our agencies.
 */
export function federationRoutes(deps: AppDeps): Hono<Env> {
  const { ctx, ingest } = deps;
  const app = new Hono<Env>();
  const intake = new TransactionIntake(ctx.config.federation.transactionsInFlight);
  app.put("/federation/v1/transactions/:txnId", async (c) => {
    requireMediaType(c, "application/jose");
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > MAX_TRANSACTION_BODY_BYTES)
      throw new FrxError(
        "request.too-large",
        `the body exceeds ${MAX_TRANSACTION_BODY_BYTES} bytes`,
      );
    // Steps 1-3 before a byte of the body is read; then the header alone (FRX-FED-065).
    const trust = ctx.trust.inForceFor(ctx.config.node);
    const { jwe, release } = await readTransaction(c.req.raw.body, {
      list: trust.list,
      self: ctx.config.node,
      intake,
      maxBytes: MAX_TRANSACTION_BODY_BYTES,
    });
    try {
      return c.json({ reply: await receiveTransaction(ctx, ingest, c.req.param("txnId"), jwe) });
    } finally {
      release();
    }
  });
  // Files before the envelopes that name them (FRX-FED-073 to FRX-FED-081): the signed transfer
  // document in the header is checked before a byte of the body is read (FRX-FED-075).
  app.get("/federation/v1/attachments/:sha256", async (c) =>
    c.json(
      await probeTransfer(ctx, digestParam(c.req.param("sha256")), c.req.header(TRANSFER_HEADER)),
    ),
  );
  app.put("/federation/v1/attachments/:sha256", async (c) => {
    requireMediaType(c, "application/octet-stream");
    const sha256 = digestParam(c.req.param("sha256"));
    return c.json(await receiveTransfer(ctx, sha256, c.req.header(TRANSFER_HEADER), bodyOf(c)));
  });
  app.post("/federation/v1/wake", limit(8192), async (c) => {
    requireMediaType(c, "application/jose");
    return c.json({ woken: receiveWake(ctx, (await c.req.text()).trim()) });
  });
  // The notice authenticates itself: signed by its origin's key in the trust list in force, and
  // acted on only for cases where that node has a party here (FRX-DP-011); the same code as
  // `erasure-notice apply`, so a repeated notice erases nothing more (FRX-DP-016).
  app.post("/federation/v1/erasure-notices", limit(256 * 1024), async (c) => {
    requireMediaType(c, "application/jose");
    // As for a transaction or wake: no list, an expired one, or one suspending us (FRX-TRUST-015, -018, -028).
    ctx.trust.inForceFor(ctx.config.node);
    return c.json(await applyErasureNotice(ctx, (await c.req.text()).trim()));
  });
  app.get("/federation/v1/directory", async (c) => {
    const doc = await directoryDocument(ctx);
    return c.json({
      directory: doc,
      jws: signCompact(encoder.encode(canonicalize(doc)), "frx-directory+jws", ctx.signer),
    });
  });
  // The registry for a peer's lookup, as public as GET /v1/registry (FRX-REG-001).
  app.get("/federation/v1/registry", async (c) =>
    c.json(await signedRegistry(ctx, registryQueryOf(new URL(c.req.url).searchParams))),
  );
  return app;
}
