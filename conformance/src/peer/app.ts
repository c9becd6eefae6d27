import {
  digestOf,
  isFrxError,
  openTransaction,
  type Types,
  type VerifiedTrustList,
  type X25519Jwk,
} from "@frx/spec";
import { Hono } from "hono";
import { ulid } from "../harness/ulid.js";
import type { Arrival, NoticeArrival, Script } from "./behaviour.js";
import type { PeerDocuments } from "./documents.js";
import type { PeerFiles } from "./files.js";

export interface PeerAppDeps {
  docs: PeerDocuments;
  decryptionKey: X25519Jwk;
  /** The trust list the peer judges the node under test by. */
  trust: () => VerifiedTrustList;
  script: Script;
  arrivals: Arrival[];
  wakes: string[];
  erasureNotices: NoticeArrival[];
  noticeFailures: number[];
  decoys: string[];
  /** The suspended harness member, whose key signs receipts from "another node". */
  suspended: string;
  /** Resolves hanging requests when the peer stops. */
  stopping: Promise<void>;
  /** The attachment route's files and script. */
  files: PeerFiles;
}

function messageIdOf(jws: string): string {
  const payload = JSON.parse(
    Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8"),
  ) as {
    id?: unknown;
  };
  return String(payload.id);
}

/**
 * The harness peer node's federation API: its signed directory and metadata, and the
 * transaction endpoint that opens what the node under test sends (decrypting it with the
 * peer's key and verifying the node's signature against the trust list), records it, and
 * answers as the test scripted.
 */
export function peerApp(d: PeerAppDeps): Hono {
  const app = new Hono();
  const problem = (code: string, status: number, detail: string) =>
    new Response(
      JSON.stringify({ type: `urn:frx:problem:${code}`, code, status, title: code, detail }),
      {
        status,
        headers: { "content-type": "application/problem+json" },
      },
    );
  app.get("/.well-known/frx-node", (c) => c.json(d.docs.metadata()));
  // The metadata advertises this endpoint; a node takes the peer's from the trust list only.
  app.all("/decoy/*", (c) => {
    d.decoys.push(`${c.req.method} ${c.req.path}`);
    return problem("request.not-found", 404, "the decoy endpoint of the peer's metadata");
  });
  app.get("/federation/v1/directory", (c) => c.json(d.docs.directory()));
  app.get("/federation/v1/registry", (c) =>
    c.json(
      d.docs.registry({
        registrationNumber: c.req.query("registrationNumber") ?? "",
        issuer: c.req.query("issuer") ?? "",
      }),
    ),
  );
  d.files.routes(app, {
    self: d.docs.node,
    trust: d.trust,
    decryptionKey: d.decryptionKey,
    problem,
  });
  app.post("/federation/v1/wake", async (c) => {
    d.wakes.push(await c.req.text());
    return c.json({ woken: d.docs.node });
  });
  // Erasure notices (FRX-DP-013): recorded for the tests to judge; answered as scripted, then
  // with an erasure of nothing (the peer stores no case content to erase).
  app.post("/federation/v1/erasure-notices", async (c) => {
    const arrival: NoticeArrival = {
      at: Date.now(),
      contentType: c.req.header("content-type") ?? "",
      jws: (await c.req.text()).trim(),
      status: d.noticeFailures.shift() ?? 200,
    };
    d.erasureNotices.push(arrival);
    if (arrival.status !== 200) return problem("node.not-ready", arrival.status, "scripted");
    return c.json({
      id: ulid(),
      at: new Date().toISOString(),
      reason: "notice",
      by: "node under test",
      note: "recorded by the conformance harness peer",
      messages: [],
      cases: [],
      attachments: [],
      heldCases: [],
    });
  });
  app.put("/federation/v1/transactions/:txnId", async (c) => {
    const pathTxnId = c.req.param("txnId");
    const body = (await c.req.text()).trim();
    const arrival: Arrival = {
      pathTxnId,
      at: Date.now(),
      answer: "accept",
      contentType: c.req.header("content-type") ?? "",
    };
    d.arrivals.push(arrival);
    try {
      arrival.jweHeader = JSON.parse(
        Buffer.from(body.split(".")[0]!, "base64url").toString("utf8"),
      ) as Record<string, unknown>;
    } catch {
      // recorded as absent; the transaction fails to open below
    }
    let txn: Types.Transaction;
    try {
      txn = await openTransaction(body, {
        trust: d.trust(),
        decryptionKey: d.decryptionKey,
        self: d.docs.node,
        txnId: pathTxnId,
        now: new Date(),
        skewSeconds: 300,
      });
    } catch (error) {
      arrival.error = `${isFrxError(error) ? error.code : "error"}: ${(error as Error).message}`;
      const code = isFrxError(error) ? error.code : "request.malformed";
      return problem(code, 400, arrival.error);
    }
    arrival.txn = txn;
    const answer = d.script.next();
    arrival.answer = answer.kind;
    if (answer.kind === "status") return problem("node.not-ready", answer.status, "scripted");
    if (answer.kind === "hang") {
      await d.stopping;
      return problem("node.not-ready", 503, "stopping");
    }
    const results: Types.TransactionResult[] = txn.envelopes.map((jws) => {
      const messageId = messageIdOf(jws);
      if (answer.kind === "reject")
        return {
          messageId,
          digest: digestOf(jws),
          status: "rejected",
          code: answer.code as Types.TransactionResult["code"] & string,
          detail: "refused by the conformance harness",
        };
      const fault = answer.kind === "bad-receipt" ? answer.fault : undefined;
      const receipt = d.docs.receipt(jws, {
        messageId: fault === "message" ? ulid() : messageId,
        ...(fault === "digest" ? { digest: "0".repeat(64) } : {}),
        ...(fault === "node" ? { as: d.docs.other(d.suspended) } : {}),
      });
      return { messageId, digest: digestOf(jws), status: "accepted", receipt };
    });
    const txnId =
      answer.kind === "bad-reply"
        ? pathTxnId.replace(/.$/, (ch) => (ch === "0" ? "1" : "0"))
        : txn.txnId;
    return c.json({ reply: d.docs.reply(txnId, results) });
  });
  app.all("*", (c) => c.json({ code: "request.not-found" }, 404));
  return app;
}
