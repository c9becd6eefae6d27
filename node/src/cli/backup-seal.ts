import { createHash, sign, verify, type Hash } from "node:crypto";
import { importPublicKey, type PublicJwk, type Signer } from "@frx/spec";
import { CliError } from "./io.js";

/**
 * The last line of a backup: the SHA-256 of every line before it (each with its "\n"), their
 * number, and the node's Ed25519 signature over both, by its current signing key. A restore
 * checks it against the node's own keys, so a backup cannot be edited (an agency added, a key
 * swapped, the audit tail cut off) or re-signed by anyone without the node's secret key.
 */
export interface BackupSeal {
  t: "seal";
  lines: number;
  sha256: string;
  kid: string;
  /** base64url Ed25519 signature over `sealInput(lines, sha256)`. */
  signature: string;
}

function sealInput(lines: number, sha256: string): Buffer {
  return Buffer.from(`frx-node-backup-seal\n${lines}\n${sha256}`, "ascii");
}

/** Hashes a backup's lines as they are written or read. */
export class LineDigest {
  private readonly hash: Hash = createHash("sha256");
  count = 0;

  add(line: string): void {
    this.hash.update(line.endsWith("\n") ? line : `${line}\n`, "utf8");
    this.count++;
  }

  /** The seal line over what was added, signed by `signer`. */
  seal(signer: Signer): BackupSeal {
    const sha256 = this.hash.digest("hex");
    const signature = sign(null, sealInput(this.count, sha256), signer.privateKey);
    return {
      t: "seal",
      lines: this.count,
      sha256,
      kid: signer.kid,
      signature: signature.toString("base64url"),
    };
  }

  /**
   * Throws unless `seal` covers exactly the lines added and is signed by `key` (the node's
   * own signing key, from its node-keys.json).
   *
   * @example digest.check(seal, publicJwkOf(keys.signing), "th.frxbak")
   */
  check(seal: Partial<BackupSeal>, key: PublicJwk, file: string): void {
    const sha256 = this.hash.digest("hex");
    if (seal.lines !== this.count || seal.sha256 !== sha256)
      throw new CliError(
        `${file} is truncated or altered: its seal covers ${String(seal.lines)} lines hashing to ${String(seal.sha256)}, the file has ${this.count} hashing to ${sha256}`,
      );
    const ok =
      typeof seal.signature === "string" &&
      verify(
        null,
        sealInput(this.count, sha256),
        importPublicKey(key),
        Buffer.from(seal.signature, "base64url"),
      );
    if (!ok)
      throw new CliError(
        `${file} is not signed by this node's key ${key.kid}: it was altered, or it is another node's backup`,
      );
  }
}
