import {
  assertSignature,
  FrxError,
  importPublicKey,
  parseCanonicalObject,
  parseCompact,
  thumbprint,
  validateDocument,
  type KeyResolver,
  type ResolvedKey,
  type Types,
} from "@frx/spec";
import { FrxClientError } from "./errors.js";

/** The JWS `typ` of each node-signed document the SDK reads. */
export type DocumentTyp = "frx-metadata+jws" | "frx-directory+jws" | "frx-registry+jws";

/**
 * Verifies a node-signed document and returns its signed payload (never the unsigned copy
 * beside it): header and `typ`, key by `kid`, signature, canonical JSON.
 */
export async function verifySignedDocument(
  jws: unknown,
  typ: DocumentTyp,
  resolveKey: KeyResolver,
): Promise<Record<string, unknown>> {
  try {
    if (typeof jws !== "string") throw new FrxError("jws.malformed", "no signed document");
    const parsed = parseCompact(jws, typ);
    const resolved = await resolveKey(parsed.header.kid);
    if (!resolved)
      throw new FrxError("jws.kid-unknown", `no node key ${parsed.header.kid} is known`);
    assertSignature(parsed, resolved.key);
    return parseCanonicalObject(parsed.payload);
  } catch (cause) {
    throw invalid(`the node's ${typ} does not verify: ${String(cause)}`, cause);
  }
}

/** A schema check of a node document, as `client.response-invalid`. */
export function checkDocument<T>(schemaPath: string, value: unknown): T {
  try {
    return validateDocument<T>(schemaPath, value);
  } catch (cause) {
    throw invalid(`the node's ${schemaPath} does not match its schema`, cause);
  }
}

/** Node signing keys by kid, owned by the node id (so `<node>:NODE` notices verify too). */
export function nodeKeysOf(metadata: Types.NodeMetadata): Map<string, ResolvedKey> {
  const keys = new Map<string, ResolvedKey>();
  for (const k of metadata.signingKeys) {
    const kid = thumbprint(k.jwk);
    keys.set(kid, {
      key: importPublicKey(k.jwk),
      owner: metadata.node,
      ...(k.notAfter ? { retiredAt: k.notAfter } : {}),
    });
  }
  return keys;
}

/** Agency keys by kid from a verified directory, owned by their participant. */
export function agencyKeysOf(directory: Types.Directory): Map<string, ResolvedKey> {
  const keys = new Map<string, ResolvedKey>();
  for (const p of directory.participants) {
    for (const k of p.keys) {
      // Trust the thumbprint, not the listed kid: a directory cannot alias one key as another.
      keys.set(thumbprint(k), {
        key: importPublicKey(k),
        owner: p.id,
        ...(k.status === "retired" && k.notAfter ? { retiredAt: k.notAfter } : {}),
      });
    }
  }
  return keys;
}

export function invalid(message: string, cause?: unknown): FrxClientError {
  return new FrxClientError("client.response-invalid", message, { cause });
}
