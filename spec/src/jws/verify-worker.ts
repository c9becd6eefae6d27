// A verification thread of VerifyPool: runs verifyEnvelope on what the pool hands it, with the
// key the calling thread resolved (or the error its resolver threw), and answers with the
// verified message or the FrxError it refused with.
import { createPublicKey, type KeyObject } from "node:crypto";
import { parentPort } from "node:worker_threads";
import { FrxError, isFrxError } from "../errors.js";
import { verifyEnvelope } from "./envelope.js";
import type { VerifyJob, VerifyAnswer } from "./verify-pool.js";

const keys = new Map<string, KeyObject>();

function keyOf(jwk: Record<string, string>): KeyObject {
  const id = JSON.stringify(jwk);
  let key = keys.get(id);
  if (!key) {
    key = createPublicKey({ key: jwk, format: "jwk" });
    if (keys.size > 10_000) keys.clear();
    keys.set(id, key);
  }
  return key;
}

async function run(job: VerifyJob): Promise<VerifyAnswer> {
  try {
    const verified = await verifyEnvelope(job.jws, {
      ...(job.now !== undefined ? { now: new Date(job.now) } : {}),
      ...(job.skewSeconds !== undefined ? { skewSeconds: job.skewSeconds } : {}),
      ...(job.maxBytes !== undefined ? { maxBytes: job.maxBytes } : {}),
      resolveKey: (kid) => {
        const found = job.resolved;
        if (kid !== job.kid || found === undefined) return undefined;
        if ("error" in found) throw new FrxError(found.error.code, found.error.message);
        return {
          key: keyOf(found.jwk),
          owner: found.owner,
          ...(found.retiredAt !== undefined ? { retiredAt: found.retiredAt } : {}),
        };
      },
    });
    return {
      id: job.id,
      ok: true,
      message: verified.message,
      kid: verified.kid,
      digest: verified.digest,
    };
  } catch (error) {
    if (isFrxError(error))
      return {
        id: job.id,
        ok: false,
        error: { code: error.code, message: error.message, violations: [...error.violations] },
      };
    return {
      id: job.id,
      ok: false,
      crash: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

parentPort!.on("message", (job: VerifyJob) => {
  void run(job).then((answer) => parentPort!.postMessage(answer));
});
