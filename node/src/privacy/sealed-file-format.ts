/**
 * The layout of an attachment sealed at rest (FRX-DP-001): `FRXS`, the data key id's length
 * (one byte) and ASCII id, a 12-byte IV, the AES-256-GCM ciphertext and its 16-byte tag, with
 * `attachment/<sha256>` as additional data. A file from a peer is written in this layout while
 * it arrives (FRX-DP-019), so that a transfer that arrives whole needs only its tag to become a
 * stored file.
 */
export const SEALED_MAGIC = Buffer.from("FRXS", "ascii");
export const SEALED_IV_BYTES = 12;
export const SEALED_TAG_BYTES = 16;

export const sealedAad = (sha256: string): Buffer => Buffer.from(`attachment/${sha256}`, "utf8");

/** The header of a sealed file: magic, key id length and id, IV. */
export function sealedHeader(keyId: string, iv: Buffer): Buffer {
  const id = Buffer.from(keyId, "ascii");
  return Buffer.concat([SEALED_MAGIC, Buffer.from([id.length]), id, iv]);
}

export function isSealedFile(bytes: Buffer): boolean {
  return (
    bytes.length >= SEALED_MAGIC.length &&
    bytes.subarray(0, SEALED_MAGIC.length).equals(SEALED_MAGIC)
  );
}

/** The key id of a sealed file's bytes. */
export function sealedFileKeyId(bytes: Buffer): string {
  return bytes.subarray(5, 5 + bytes[4]!).toString("ascii");
}

/**
 * The first AES-CTR counter block of a GCM body under a 12-byte IV (NIST SP 800-38D: the IV,
 * then a 32-bit counter that starts at 2), so that CTR reads and continues that body.
 */
export function gcmBodyCounter(iv: Buffer): Buffer {
  return Buffer.concat([iv, Buffer.from([0, 0, 0, 2])]);
}
