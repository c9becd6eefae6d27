import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
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
/** Plaintext bytes per sealed record (FRX-FED-202). */
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
 * Verifies a transfer document as a wake is verified (FRX-FED-203): JWS form, canonical
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
  let index = 0;
  let buffered: Buffer[] = [];
  let have = 0;
  let need = -1;
  const take = (n: number): Buffer => {
    const all = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered, have);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    buffered = rest.length > 0 ? [rest] : [];
    have = rest.length;
    return out;
  };
  for await (const chunk of body) {
    buffered.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    have += chunk.byteLength;
    for (;;) {
      if (need < 0) {
        if (have < 4) break;
        need = take(4).readUInt32BE(0);
        if (need <= TAG_BYTES || need > RECORD_BYTES + TAG_BYTES)
          throw new FrxError("federation.undecryptable", `record ${index} announces ${need} bytes`);
      }
      if (have < need) break;
      const sealed = take(need);
      need = -1;
      let plain: Buffer;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key.key, nonce(index));
        decipher.setAAD(key.aad);
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        plain = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
        decipher.final();
      } catch {
        throw new FrxError("federation.undecryptable", `record ${index} does not authenticate`);
      }
      index++;
      await sink(plain);
    }
  }
  return { records: index, complete: need < 0 && have === 0 };
}
