import {
  BODIES_PER_ORIGIN,
  claimedSender,
  FrxError,
  MAX_TRANSACTION_HEADER_CHARS,
  readTransactionHeader,
  type Types,
} from "@frx/spec";
import { RateLimitedError } from "../http/rate-limit.js";

/** Bodies one claimed origin may have in flight: each transaction of its window and a retry of it (FRX-FED-067). */
export { BODIES_PER_ORIGIN };

/**
 * Counts the transaction bodies being read or processed, per claimed origin and in total, so
 * that what the transactions route holds in memory is bounded before anything is buffered.
 */
export class TransactionIntake {
  private readonly perOrigin = new Map<string, number>();
  private total = 0;

  constructor(private readonly maxTotal: number) {}

  /** A place for one body from `origin`, or `request.rate-limited`. Call the result when done. */
  acquire(origin: string): () => void {
    const held = this.perOrigin.get(origin) ?? 0;
    if (held >= BODIES_PER_ORIGIN || this.total >= this.maxTotal)
      throw new RateLimitedError(
        held >= BODIES_PER_ORIGIN
          ? `${origin} already has ${held} transactions in flight here`
          : `this node is reading ${this.total} transactions already`,
        1,
      );
    this.perOrigin.set(origin, held + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perOrigin.get(origin) ?? 1) - 1;
      if (left === 0) this.perOrigin.delete(origin);
      else this.perOrigin.set(origin, left);
    };
  }
}

/**
 * Reads a transaction body in the order FRX-FED-065 asks: the protected header alone first,
 * checked against the list in force (a stranger, a suspended member or a body naming no sender
 * is refused before the rest is read), then a place in the intake, then the rest of the body up
 * to `maxBytes`. Returns the JWE and the release of its place, which the caller must call once
 * the transaction has been processed.
 */
export async function readTransaction(
  body: ReadableStream<Uint8Array> | null,
  o: { list: Types.TrustList; self: string; intake: TransactionIntake; maxBytes: number },
): Promise<{ jwe: string; release: () => void }> {
  if (!body) throw new FrxError("federation.undecryptable", "the body is empty");
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let release: (() => void) | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (value) {
        chunks.push(value);
        size += value.byteLength;
        if (size > o.maxBytes)
          throw new FrxError("request.too-large", `the body exceeds ${o.maxBytes} bytes`);
      }
      if (!release) {
        const text = Buffer.concat(chunks).toString("latin1").trimStart();
        const dot = text.indexOf(".");
        if (dot >= 0 || done || text.length > MAX_TRANSACTION_HEADER_CHARS) {
          const header = readTransactionHeader(
            dot >= 0 ? text.slice(0, dot) : text.slice(0, MAX_TRANSACTION_HEADER_CHARS + 1),
          );
          claimedSender(o.list, header.iss, o.self);
          release = o.intake.acquire(header.iss);
        }
      }
      if (done) break;
    }
    return { jwe: Buffer.concat(chunks).toString("latin1").trim(), release: release! };
  } catch (error) {
    release?.();
    await reader.cancel().catch(() => undefined);
    throw error;
  }
}
