import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type DecipherGCM,
  generateKeyPairSync,
  hkdfSync,
} from "node:crypto";
import { FrxError } from "../errors.js";
import type { AttachmentTransfer, TrustList } from "../generated/types.js";
import type { Signer } from "../jws/keys.js";
import { parseInstant } from "../time/instant.js";
import type { X25519Jwk } from "./transaction.js";
import { signNodeDocument, verifyNodeDocument } from "./transaction.js";

/**
 * Attachment bytes between nodes (federation.md, "Attachments across borders"): each request
 * carries a node-signed transfer document in the `FRX-Transfer` header; a PUT body is a
 * sequence of sealed records, each `u32 length ‖ AES-256-GCM(ciphertext ‖ tag)` over at most
 * RECORD_BYTES of the file, under a key agreed by X25519 between the request's ephemeral key
 * and the destination's encryption key (HKDF-SHA256). The destination authenticates a whole
 * record before it writes any of it, so a cut leaves only authenticated bytes on its disk.
 */
export const ATTACHMENT_TRANSFER_TYP = "frx-attachment-transfer+jws";
export const TRANSFER_HEADER = "frx-transfer";
/** Plaintext bytes per sealed record (FRX-FED-074). */
export const RECORD_BYTES = 1024 * 1024;
const TAG_BYTES = 16;
const INFO = "FRX attachment transfer v1";

export interface TransferKey {
  key: Buffer;
  /** Every record's additional data: the SHA-256 of the transfer JWS, binding records to it. */
  aad: Buffer;
}

/** Signs a transfer document; for a PUT also draws the ephemeral key and returns the records' key. */
export function signTransfer(
  doc: Omit<AttachmentTransfer, "frx" | "epk">,
  signer: Signer,
  recipient?: X25519Jwk,
): { jws: string; key?: TransferKey } {
  if (!recipient) {
    const jws = signNodeDocument(
      { frx: "1", ...doc },
      ATTACHMENT_TRANSFER_TYP,
      "documents/attachment-transfer.json",
      signer,
    );
    return { jws };
  }
  const { privateKey, publicKey } = generateKeyPairSync("x25519");
  const epk = publicKey.export({ format: "jwk" }) as X25519Jwk;
  const full: AttachmentTransfer = {
    frx: "1",
    ...doc,
    epk: { kty: "OKP", crv: "X25519", x: epk.x },
  };
  const jws = signNodeDocument(
    full,
    ATTACHMENT_TRANSFER_TYP,
    "documents/attachment-transfer.json",
    signer,
  );
  const shared = diffieHellman({
    privateKey,
    publicKey: createPublicKey({
      key: { kty: "OKP", crv: "X25519", x: recipient.x },
      format: "jwk",
    }),
  });
  return { jws, key: deriveKey(shared, full, jws) };
}

export interface TransferCheck {
  trust: TrustList;
  self: string;
  /** The digest in the request path. */
  sha256: string;
  now: Date;
  skewSeconds: number;
}

/**
 * Verifies a transfer document as a wake is verified (FRX-FED-075): JWS form, canonical
 * schema-valid payload, the origin's active member key valid at `sentAt`, the signature; then
 * that it is for this node and this digest and fresh within the skew.
 */
export function verifyTransfer(jws: string | undefined, o: TransferCheck): AttachmentTransfer {
  if (!jws) throw new FrxError("jws.malformed", "the FRX-Transfer header is missing");
  const doc = verifyNodeDocument<AttachmentTransfer>(
    jws.trim(),
    ATTACHMENT_TRANSFER_TYP,
    "documents/attachment-transfer.json",
    o.trust,
    (d) => d.origin,
    (d) => d.sentAt,
  );
  if (doc.destination !== o.self)
    throw new FrxError("federation.not-destination", `the transfer is for ${doc.destination}`);
  if (doc.sha256 !== o.sha256)
    throw new FrxError("request.malformed", "the signed sha256 differs from the path's");
  if (Math.abs(parseInstant(doc.sentAt, "/sentAt") - o.now.getTime()) > o.skewSeconds * 1000)
    throw new FrxError(
      "federation.transaction-replayed",
      `sentAt ${doc.sentAt} is outside the ${o.skewSeconds} s window`,
    );
  if (doc.offset > doc.size)
    throw new FrxError("request.malformed", "the offset lies beyond the file's size");
  return doc;
}

/** The destination's side of the records' key, from the verified document and its own X25519 key. */
export function openTransferKey(
  doc: AttachmentTransfer,
  jws: string,
  decryptionKey: X25519Jwk,
): TransferKey {
  if (!doc.epk) throw new FrxError("request.malformed", "a PUT transfer must carry its epk");
  const shared = diffieHellman({
    privateKey: createPrivateKey({
      key: { kty: "OKP", crv: "X25519", x: decryptionKey.x, d: decryptionKey.d! },
      format: "jwk",
    }),
    publicKey: createPublicKey({ key: { ...doc.epk }, format: "jwk" }),
  });
  return deriveKey(shared, doc, jws.trim());
}

function deriveKey(shared: Buffer, doc: AttachmentTransfer, jws: string): TransferKey {
  const salt = Buffer.from(doc.sha256, "hex");
  const info = Buffer.from(`${INFO}|${doc.origin}|${doc.destination}|${doc.offset}`, "utf8");
  return {
    key: Buffer.from(hkdfSync("sha256", shared, salt, info, 32)),
    aad: createHash("sha256").update(jws, "ascii").digest(),
  };
}

function nonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

/** Seals one record of plaintext (at most RECORD_BYTES) as `u32 length ‖ ciphertext ‖ tag`. */
export function sealRecord(key: TransferKey, index: number, plain: Uint8Array): Buffer {
  return Buffer.concat(sealedParts(key, index, plain));
}

/** A record's parts (length, ciphertext, tag), written one after the other without a copy. */
function sealedParts(key: TransferKey, index: number, plain: Uint8Array): Buffer[] {
  const cipher = createCipheriv("aes-256-gcm", key.key, nonce(index));
  cipher.setAAD(key.aad);
  const body = cipher.update(plain);
  cipher.final();
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length + TAG_BYTES, 0);
  return [head, body, cipher.getAuthTag()];
}

/**
 * Turns a file's bytes (any chunking) into sealed records of RECORD_BYTES each, the last one
 * shorter: what a PUT body carries. Holds at most one record in memory.
 */
export async function* sealRecords(
  key: TransferKey,
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  let index = 0;
  let pending: Buffer[] = [];
  let held = 0;
  for await (const chunk of source) {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (buf.length > 0) {
      const take = Math.min(RECORD_BYTES - held, buf.length);
      pending.push(buf.subarray(0, take));
      held += take;
      buf = buf.subarray(take);
      if (held === RECORD_BYTES) {
        yield* sealedParts(
          key,
          index++,
          pending.length === 1 ? pending[0]! : Buffer.concat(pending, held),
        );
        pending = [];
        held = 0;
      }
    }
  }
  if (held > 0) yield* sealedParts(key, index, Buffer.concat(pending, held));
}

/**
 * Reads sealed records from a body and hands each record's plaintext, once authenticated, to
 * `sink` (awaited before the next is read). A record that does not authenticate, or that
 * announces more than a record may hold, is refused with `federation.undecryptable`; a body
 * that ends inside a record leaves that record unread (the caller keeps what `sink` got).
 */
export async function openRecords(
  key: TransferKey,
  body: AsyncIterable<Uint8Array>,
  sink: (plain: Buffer) => Promise<void>,
): Promise<{ records: number; complete: boolean }> {
  return openRecordParts(key, body, (parts, bytes) =>
    sink(parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes)),
  );
}

/**
 * As `openRecords`, but each record's plaintext comes as the parts it was decrypted in (one
 * per piece of the body it arrived in, `bytes` in all), so that no record is copied whole:
 * the ciphertext is decrypted as it arrives and held, unread by `sink`, until the record's
 * tag has authenticated all of it.
 */
export async function openRecordParts(
  key: TransferKey,
  body: AsyncIterable<Uint8Array>,
  sink: (parts: Buffer[], bytes: number) => Promise<void>,
): Promise<{ records: number; complete: boolean }> {
  let index = 0;
  // The record's length prefix as it arrives (it may span pieces), then what is left of it.
  let prefix: Buffer[] = [];
  let prefixHave = 0;
  let cipherLeft = -1;
  let tag: Buffer[] = [];
  let tagLeft = 0;
  let decipher: DecipherGCM | null = null;
  let plain: Buffer[] = [];
  let plainBytes = 0;
  for await (const chunk of body) {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (buf.length > 0) {
      if (!decipher) {
        const take = Math.min(4 - prefixHave, buf.length);
        prefix.push(buf.subarray(0, take));
        prefixHave += take;
        buf = buf.subarray(take);
        if (prefixHave < 4) break;
        const need = Buffer.concat(prefix, 4).readUInt32BE(0);
        prefix = [];
        prefixHave = 0;
        if (need <= TAG_BYTES || need > RECORD_BYTES + TAG_BYTES)
          throw new FrxError("federation.undecryptable", `record ${index} announces ${need} bytes`);
        decipher = createDecipheriv("aes-256-gcm", key.key, nonce(index));
        decipher.setAAD(key.aad);
        cipherLeft = need - TAG_BYTES;
        tagLeft = TAG_BYTES;
        continue;
      }
      if (cipherLeft > 0) {
        const take = Math.min(cipherLeft, buf.length);
        const out = decipher.update(buf.subarray(0, take));
        plain.push(out);
        plainBytes += out.length;
        cipherLeft -= take;
        buf = buf.subarray(take);
        continue;
      }
      const take = Math.min(tagLeft, buf.length);
      tag.push(buf.subarray(0, take));
      tagLeft -= take;
      buf = buf.subarray(take);
      if (tagLeft > 0) break;
      try {
        decipher.setAuthTag(Buffer.concat(tag, TAG_BYTES));
        const last = decipher.final();
        if (last.length > 0) {
          plain.push(last);
          plainBytes += last.length;
        }
      } catch {
        throw new FrxError("federation.undecryptable", `record ${index} does not authenticate`);
      }
      const parts = plain;
      const bytes = plainBytes;
      decipher = null;
      plain = [];
      plainBytes = 0;
      tag = [];
      index++;
      await sink(parts, bytes);
    }
  }
  return { records: index, complete: !decipher && prefixHave === 0 };
}
