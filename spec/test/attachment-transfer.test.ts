import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  openRecordParts,
  openRecords,
  openTransferKey,
  RECORD_BYTES,
  sealRecords,
  signTransfer,
  verifyTransfer,
} from "../src/federation/attachment-transfer.js";
import type { X25519Jwk } from "../src/federation/transaction.js";
import { verifyTrustList } from "../src/federation/trust-list.js";
import { createSigner, type PrivateJwk } from "../src/jws/keys.js";
import { vectorDir } from "./vector-files.js";

type Keys = { nodes: Array<{ node: string; privateJwk: PrivateJwk; encryptionJwk: X25519Jwk }> };
const keys = JSON.parse(readFileSync(join(vectorDir, "test-keys.json"), "utf8")) as Keys;
const node = (id: string) => keys.nodes.find((n) => n.node === id)!;
const genesis = JSON.parse(readFileSync(join(vectorDir, "trust", "genesis-ok.json"), "utf8")) as {
  trustList: never;
  pinnedDigest: string;
};
const trust = verifyTrustList(genesis.trustList, { pinnedDigest: genesis.pinnedDigest });
const now = new Date("2026-03-02T09:45:00Z");

const file = randomBytes(2 * RECORD_BYTES + 777);
const sha256 = createHash("sha256").update(file).digest("hex");
const doc = (offset = 0, sentAt = "2026-03-02T09:44:00Z") => ({
  origin: "TH",
  destination: "LA",
  sha256,
  size: file.length,
  mediaType: "video/mp4",
  offset,
  sentAt,
});
const check = { trust: trust.list, self: "LA", sha256, now, skewSeconds: 300 };

/** The file in uneven chunks, as a disk or a socket hands it over. */
function chunked(bytes: Uint8Array, size = 65_521): AsyncIterable<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return (async function* () {
    for (const p of parts) yield await Promise.resolve(p);
  })();
}
async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of source) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

function sealed(offset = 0) {
  const { jws, key } = signTransfer(
    doc(offset),
    createSigner(node("TH").privateJwk),
    node("LA").encryptionJwk,
  );
  return { jws, key: key! };
}

describe("attachment transfers between nodes (FRX-FED-074 to FRX-FED-080)", () => {
  it("seals a file into records only the destination opens, byte for byte", async () => {
    const { jws, key } = sealed();
    const body = await collect(sealRecords(key, chunked(file)));
    const opened = verifyTransfer(jws, check);
    const theirs = openTransferKey(opened, jws, node("LA").encryptionJwk);
    const out: Buffer[] = [];
    const r = await openRecords(theirs, chunked(body, 4099), (p) => {
      out.push(p);
      return Promise.resolve();
    });
    expect(r).toEqual({ records: 3, complete: true });
    expect(Buffer.concat(out).equals(file)).toBe(true);
    // Any other X25519 key (here KH's) derives another key: the first record fails.
    const wrong = openTransferKey(opened, jws, node("KH").encryptionJwk);
    await expect(openRecords(wrong, chunked(body), () => Promise.resolve())).rejects.toMatchObject({
      code: "federation.undecryptable",
    });
  });

  it("opens records whose length, ciphertext and tag arrive split across pieces, as the parts they came in", async () => {
    const { jws, key } = sealed();
    const body = await collect(sealRecords(key, chunked(file)));
    const record = 4 + RECORD_BYTES + 16;
    // Cuts inside the first tag, inside the second length, and one byte into its ciphertext.
    const cuts = [0, record - 9, record + 2, record + 5, body.length];
    const pieces = cuts.slice(1).map((end, i) => body.subarray(cuts[i], end));
    const got: Array<{ parts: number; bytes: number }> = [];
    const out: Buffer[] = [];
    const r = await openRecordParts(
      openTransferKey(verifyTransfer(jws, check), jws, node("LA").encryptionJwk),
      (async function* () {
        for (const p of pieces) yield await Promise.resolve(p);
      })(),
      (parts, bytes) => {
        got.push({ parts: parts.length, bytes });
        out.push(...parts);
        return Promise.resolve();
      },
    );
    expect(r).toEqual({ records: 3, complete: true });
    expect(got.map((g) => g.bytes)).toEqual([RECORD_BYTES, RECORD_BYTES, 777]);
    // The second record's ciphertext came in two pieces, so its plaintext is two parts.
    expect(got[1]!.parts).toBe(2);
    expect(Buffer.concat(out).equals(file)).toBe(true);
  });

  it("hands over nothing of a record that was changed in transit, and everything before it", async () => {
    const { jws, key } = sealed();
    const body = await collect(sealRecords(key, chunked(file)));
    body[RECORD_BYTES + 4 + 16 + 4 + 10]! ^= 1; // a byte of the second record's ciphertext
    const got: number[] = [];
    await expect(
      openRecords(
        openTransferKey(verifyTransfer(jws, check), jws, node("LA").encryptionJwk),
        chunked(body),
        (p) => {
          got.push(p.length);
          return Promise.resolve();
        },
      ),
    ).rejects.toMatchObject({ code: "federation.undecryptable" });
    expect(got).toEqual([RECORD_BYTES]);
  });

  it("reports a body cut inside a record as incomplete, with the whole records before it", async () => {
    const { jws, key } = sealed();
    const body = await collect(sealRecords(key, chunked(file)));
    const got: number[] = [];
    const r = await openRecords(
      openTransferKey(verifyTransfer(jws, check), jws, node("LA").encryptionJwk),
      chunked(body.subarray(0, RECORD_BYTES + 1000)),
      (p) => {
        got.push(p.length);
        return Promise.resolve();
      },
    );
    expect(r).toEqual({ records: 1, complete: false });
    expect(got).toEqual([RECORD_BYTES]);
  });

  it("refuses a transfer for another node, a stale one, and one whose path names another file", () => {
    const signer = createSigner(node("TH").privateJwk);
    const { jws } = signTransfer(doc(), signer);
    expect(() => verifyTransfer(jws, { ...check, self: "KH" })).toThrow(
      expect.objectContaining({ code: "federation.not-destination" }),
    );
    const stale = signTransfer(doc(0, "2026-03-02T09:00:00Z"), signer).jws;
    expect(() => verifyTransfer(stale, check)).toThrow(
      expect.objectContaining({ code: "federation.transaction-replayed" }),
    );
    expect(() => verifyTransfer(jws, { ...check, sha256: "0".repeat(64) })).toThrow(
      expect.objectContaining({ code: "request.malformed" }),
    );
    // Signed by LA's key but claiming TH as its origin.
    const forged = signTransfer(doc(), createSigner(node("LA").privateJwk)).jws;
    expect(() => verifyTransfer(forged, check)).toThrow(
      expect.objectContaining({ code: "trust.member-unknown" }),
    );
  });
});
