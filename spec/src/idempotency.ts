import { FrxError } from "./errors.js";

/**
 * The duplicate rule every receiver applies to a message id it has seen before: the same
 * digest is a duplicate (answer with the stored receipt again); another digest is a
 * conflict (`idempotency.conflict`).
 *
 * @example if (idempotencyVerdict(stored?.digest, digest) === "duplicate") return stored.receipt
 */
export function idempotencyVerdict(
  storedDigest: string | undefined,
  digest: string,
): "new" | "duplicate" {
  if (storedDigest === undefined) return "new";
  if (storedDigest === digest) return "duplicate";
  throw new FrxError(
    "idempotency.conflict",
    "this message id was already accepted with different content",
  );
}
