import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { DataKeyring } from "./data-keys.js";

const PREFIX = "frx-sealed:1:";

/**
 * IVs are drawn from the CSPRNG 256 at a time: on the reference machine one `randomBytes` call
 * costs ~18 µs whatever its size up to a few KB, and every stored envelope needs an IV. Each
 * 12-byte slice is handed out once; a used buffer is dropped, never refilled.
 */
const IVS_PER_DRAW = 256;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

function nextIv(): Buffer {
  if (ivOffset + 12 > ivPool.length) {
    ivPool = randomBytes(12 * IVS_PER_DRAW);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + 12);
  ivOffset += 12;
  return iv;
}

/**
 * AES-256-GCM over a UTF-8 text (FRX-DP-001), as one string:
 * `frx-sealed:1:<key id>:<iv>:<ciphertext>:<tag>` (base64url parts). `aad` binds the
 * ciphertext to where it is stored (such as `messages/<id>`), so a sealed value copied onto
 * another record does not open there.
 */
export function seal(ring: DataKeyring, text: string, aad: string): string {
  const id = ring.currentId;
  const iv = nextIv();
  const cipher = createCipheriv("aes-256-gcm", ring.key(id)!, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${PREFIX}${id}:${iv.toString("base64url")}:${ct.toString("base64url")}:${tag.toString("base64url")}`;
}

export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

/** The key id a sealed value was made with. */
export function sealedKeyId(value: string): string {
  return value.slice(PREFIX.length).split(":")[0]!;
}

/** Opens a sealed value; throws when the key is not held or the value was altered or moved. */
export function unseal(ring: DataKeyring, value: string, aad: string): string {
  if (!isSealed(value)) throw new Error(`${aad} is not sealed`);
  const [id, iv, ct, tag] = value.slice(PREFIX.length).split(":");
  const key = ring.key(id ?? "");
  if (!key || !iv || ct === undefined || !tag)
    throw new Error(`${aad} is sealed with data key ${id}, which this node does not hold`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(ct, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new Error(
      `${aad} does not decrypt with data key ${id}: altered, or moved from another record`,
    );
  }
}

/** A sealed value again under the current key (the re-encrypt job), or the same value when it already is. */
export function reseal(ring: DataKeyring, value: string, aad: string): string {
  return sealedKeyId(value) === ring.currentId ? value : seal(ring, unseal(ring, value, aad), aad);
}
