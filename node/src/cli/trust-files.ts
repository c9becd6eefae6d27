import { readFile, rename, rm, writeFile } from "node:fs/promises";
import {
  FrxError,
  parseCanonicalObject,
  trustListDigest,
  validateDocument,
  type SignedTrustList,
  type Types,
  type VerifiedTrustList,
} from "@frx/spec";
import { CliError } from "./io.js";

/** A trust list file as `trust propose` and `trust sign` write it, with its payload decoded. */
export interface TrustListFile {
  signed: SignedTrustList;
  list: Types.TrustList;
  /** SHA-256 hex of the payload: the same before and after signatures are added. */
  digest: string;
}

/** Parses a JSON file, saying which file and what was expected when it cannot. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${what} from ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`${file} is not JSON (expected ${what})`);
  }
}

/**
 * Reads a trust list file (a proposal or a signed list): `{payload, signatures[]}` whose
 * payload is a canonical, schema-valid trust list. Signatures are not checked here.
 *
 * @example const { list, digest } = await readTrustListFile("trust-v1.json")
 */
export async function readTrustListFile(file: string): Promise<TrustListFile> {
  const raw = await readJsonFile(file, "a trust list");
  const s = raw as Partial<SignedTrustList> | null;
  const shaped =
    typeof s === "object" &&
    s !== null &&
    !Array.isArray(s) &&
    typeof s.payload === "string" &&
    Array.isArray(s.signatures) &&
    s.signatures.every(
      (x) =>
        typeof x === "object" &&
        x !== null &&
        typeof x.protected === "string" &&
        typeof x.signature === "string",
    );
  if (!shaped)
    throw new CliError(
      `${file} is not a trust list file ({"payload": …, "signatures": […]}, as frx-node trust propose writes)`,
    );
  const signed: SignedTrustList = {
    payload: s.payload!,
    signatures: s.signatures!.map((x) => ({ protected: x.protected, signature: x.signature })),
  };
  let list: Types.TrustList;
  try {
    list = validateDocument<Types.TrustList>(
      "documents/trust-list.json",
      parseCanonicalObject(Buffer.from(signed.payload, "base64url")),
    );
  } catch (error) {
    throw new FrxError(
      "trust.list-invalid",
      `${file}: the payload is not a valid trust list: ${(error as Error).message}`,
    );
  }
  return { signed, list, digest: trustListDigest(signed) };
}

/** Version 1 with no previousDigest: the list every node pins by digest. */
export function isGenesis(list: Types.TrustList): boolean {
  return list.version === 1 && list.previousDigest === undefined;
}

/**
 * A previous version taken as given (its own chain is not re-verified), to check a next
 * version against it before it is applied. Applying always verifies against the node's store.
 */
export function assumedVerified(file: TrustListFile): VerifiedTrustList {
  return { list: file.list, digest: file.digest, signedBy: [], signed: file.signed };
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, { mode });
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

export function trustListJson(signed: SignedTrustList): string {
  return JSON.stringify(signed, null, 2) + "\n";
}

/** Now, to the second, as an RFC 3339 UTC instant. */
export function nowInstant(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** "version 1 (genesis)" or "version 3". */
export function describeVersion(list: Types.TrustList): string {
  return `version ${list.version}${isGenesis(list) ? " (genesis)" : ""}`;
}
