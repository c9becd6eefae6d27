import { createHash } from "node:crypto";
import {
  createSigner,
  RECORD_BYTES,
  sealRecord,
  signTransfer,
  TRANSFER_HEADER,
  type PrivateJwk,
  type X25519Jwk,
} from "@frx/spec";
import type { Http, Reply } from "../harness/http.js";

/**
 * The harness peer as the origin of a file on the attachment route (federation.md,
 * "Attachments across borders"): a transfer JWS it signs, and a body of sealed records, each
 * of which a test may bend (a wrong offset, a cut, a flipped byte, extra bytes).
 */
export interface FileOffer {
  bytes: Buffer;
  /** Signed as the file's digest and size (default: the bytes' own). */
  sha256?: string;
  size?: number;
  mediaType?: string;
}

export interface TransferOptions {
  offset?: number;
  /** Send only these records of the body (default: all from `offset`). */
  records?: number;
  /** Flip a byte of record 0's ciphertext. */
  tamper?: boolean;
  /** Bytes appended after the file's end (more than size minus offset). */
  extra?: number;
  signer?: PrivateJwk;
  origin?: string;
  destination?: string;
  sentAt?: string;
}

export interface Transferring {
  http: Http;
  signer: PrivateJwk;
  origin: string;
  destination: string;
  encryptTo: X25519Jwk;
}

export const sha256Of = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function doc(t: Transferring, f: FileOffer, o: TransferOptions) {
  return {
    origin: o.origin ?? t.origin,
    destination: o.destination ?? t.destination,
    sha256: f.sha256 ?? sha256Of(f.bytes),
    size: f.size ?? f.bytes.length,
    mediaType: f.mediaType ?? "application/pdf",
    offset: o.offset ?? 0,
    sentAt: o.sentAt ?? new Date().toISOString(),
  };
}

/** GET {endpoint}/attachments/{sha256}: what the node holds of the file from this origin. */
export function probe(t: Transferring, f: FileOffer, o: TransferOptions = {}): Promise<Reply> {
  const d = doc(t, f, o);
  const { jws } = signTransfer(d, createSigner(o.signer ?? t.signer));
  return t.http.call("GET", `/federation/v1/attachments/${d.sha256}`, {
    headers: { [TRANSFER_HEADER]: jws },
  });
}

/** PUT {endpoint}/attachments/{sha256} with the file's sealed records from `offset`. */
export function transfer(t: Transferring, f: FileOffer, o: TransferOptions = {}): Promise<Reply> {
  const d = doc(t, f, o);
  const { jws, key } = signTransfer(d, createSigner(o.signer ?? t.signer), t.encryptTo);
  const plain = Buffer.concat([f.bytes.subarray(d.offset), Buffer.alloc(o.extra ?? 0, 0x58)]);
  const records: Buffer[] = [];
  for (let i = 0, at = 0; at < plain.length; i++, at += RECORD_BYTES)
    records.push(sealRecord(key!, i, plain.subarray(at, at + RECORD_BYTES)));
  const sent = records.slice(0, o.records ?? records.length);
  if (o.tamper && sent[0]) sent[0][8] = (sent[0][8]! ^ 0xff) & 0xff;
  return t.http.call("PUT", `/federation/v1/attachments/${d.sha256}`, {
    headers: { [TRANSFER_HEADER]: jws, "content-type": "application/octet-stream" },
    body: Buffer.concat(sent),
    isolate: true,
  });
}
