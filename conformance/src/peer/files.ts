import { createHash } from "node:crypto";
import {
  isFrxError,
  openRecords,
  openTransferKey,
  TRANSFER_HEADER,
  verifyTransfer,
  type VerifiedTrustList,
  type X25519Jwk,
} from "@frx/spec";
import type { Hono } from "hono";

interface Held {
  size: number;
  chunks: Buffer[];
  held: number;
  complete: boolean;
}

/** A completed (or refused) transfer as it reached the peer. */
export interface FileArrival {
  sha256: string;
  at: number;
  outcome: "complete" | "refused" | "partial";
  /** Records opened under the key agreed with the peer's X25519 key (FRX-FED-074). */
  records: number;
}

/**
 * The harness peer's attachment route (federation.md, "Attachments across borders"): it
 * verifies the node's transfer JWS, opens the sealed records with the peer's X25519 key, hashes
 * the file once whole, and answers `held` and `complete`. A test may make it refuse every file
 * with attachment.digest-mismatch (as if the bytes were wrong) or answer 503.
 */
export class PeerFiles {
  readonly arrivals: FileArrival[] = [];
  private readonly files = new Map<string, Held>();
  refuse: "digest-mismatch" | "unavailable" | null = null;

  complete(sha256: string): boolean {
    return this.files.get(sha256)?.complete === true;
  }

  routes(
    app: Hono,
    o: {
      self: string;
      trust: () => VerifiedTrustList;
      decryptionKey: X25519Jwk;
      problem: (code: string, status: number, detail: string) => Response;
    },
  ): void {
    const check = (sha256: string, jws: string | undefined) =>
      verifyTransfer(jws, {
        trust: o.trust().list,
        self: o.self,
        sha256,
        now: new Date(),
        skewSeconds: 300,
      });
    const answer = (sha256: string, f: Held | undefined, size: number) => ({
      sha256,
      size,
      held: f?.held ?? 0,
      complete: f?.complete ?? false,
    });
    app.get("/federation/v1/attachments/:sha256", (c) => {
      const sha256 = c.req.param("sha256");
      try {
        const doc = check(sha256, c.req.header(TRANSFER_HEADER));
        return c.json(answer(sha256, this.files.get(sha256), doc.size));
      } catch (error) {
        return o.problem(isFrxError(error) ? error.code : "request.malformed", 400, String(error));
      }
    });
    app.put("/federation/v1/attachments/:sha256", async (c) => {
      const sha256 = c.req.param("sha256");
      const jws = c.req.header(TRANSFER_HEADER);
      if (this.refuse === "unavailable") return o.problem("node.not-ready", 503, "scripted");
      try {
        const doc = check(sha256, jws);
        const f = this.files.get(sha256) ?? {
          size: doc.size,
          chunks: [],
          held: 0,
          complete: false,
        };
        this.files.set(sha256, f);
        if (doc.offset !== f.held)
          return o.problem("attachment.offset-mismatch", 409, `held ${f.held}`);
        const key = openTransferKey(doc, jws!, o.decryptionKey);
        // Node's web streams are async iterable; the DOM typings do not say so.
        const body = (c.req.raw.body ?? []) as unknown as AsyncIterable<Uint8Array>;
        const { records } = await openRecords(key, body, (plain) => {
          f.chunks.push(plain);
          f.held += plain.length;
          return Promise.resolve();
        });
        let outcome: FileArrival["outcome"] = "partial";
        if (f.held >= f.size) {
          const digest = createHash("sha256").update(Buffer.concat(f.chunks)).digest("hex");
          if (digest !== sha256 || this.refuse === "digest-mismatch" || f.held > f.size) {
            this.files.delete(sha256);
            this.arrivals.push({ sha256, at: Date.now(), outcome: "refused", records });
            return o.problem("attachment.digest-mismatch", 422, "refused by the harness peer");
          }
          f.complete = true;
          outcome = "complete";
        }
        this.arrivals.push({ sha256, at: Date.now(), outcome, records });
        return c.json(answer(sha256, f, doc.size));
      } catch (error) {
        return o.problem(isFrxError(error) ? error.code : "request.malformed", 400, String(error));
      }
    });
  }
}
