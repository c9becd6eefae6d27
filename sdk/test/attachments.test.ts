import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FrxClient } from "../src/index.js";
import { startNode, type LiveNode } from "./support/live-node.js";

let live: LiveNode;
let doe: FrxClient;
let dir: string;
beforeEach(async () => {
  live = await startNode();
  doe = live.client("TH:DOE");
  dir = await mkdtemp(join(tmpdir(), "frx-sdk-test-"));
});
afterEach(async () => {
  await live.close();
  await rm(dir, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: "resolved" }),
    (e: { code?: string; status?: number }) => e,
  );

describe("attachments", () => {
  it("uploads bytes, a file and a stream under their SHA-256, and downloads them verified", async () => {
    const ledger = bytes("wage ledger, June 2025 to February 2026");
    const file = join(dir, "logbook.txt");
    await writeFile(file, "fishing logbook, 212 pages");
    const chunks = ["a ", "statement ", "in ", "three ", "chunks"];

    const fromBytes = await doe.attachments.upload(ledger, "application/pdf", {
      name: "ledger.pdf",
    });
    const fromFile = await doe.attachments.upload(file, "text/plain");
    const fromStream = await doe.attachments.upload(Readable.from(chunks.map(bytes)), "text/plain");

    expect(fromBytes).toEqual({
      sha256: sha256(ledger),
      mediaType: "application/pdf",
      size: ledger.length,
      name: "ledger.pdf",
    });
    expect(fromFile.sha256).toBe(sha256(bytes("fishing logbook, 212 pages")));
    expect(fromStream).toMatchObject({
      sha256: sha256(bytes(chunks.join(""))),
      size: chunks.join("").length,
    });

    const download = await doe.attachments.download(fromBytes.sha256);
    expect(download).toMatchObject({ mediaType: "application/pdf", size: ledger.length });
    expect(Buffer.from(await download.bytes()).toString()).toBe(
      "wage ledger, June 2025 to February 2026",
    );
    const streamed = await doe.attachments.download(fromStream.sha256);
    expect(Buffer.from(await streamed.bytes()).toString()).toBe(chunks.join(""));
  });

  it("fails a download whose bytes do not hash to the digest: attachment.digest-mismatch", async () => {
    const original = bytes("the original evidence");
    const { sha256: digest } = await doe.attachments.upload(original, "text/plain");
    // Someone swaps the stored bytes behind the node's back.
    const blobs = (live.attachments as unknown as { blobs: Map<string, Uint8Array> }).blobs;
    blobs.set(digest, bytes("forged evidence, same length"));
    const download = await doe.attachments.download(digest);
    expect(await failure(download.bytes())).toMatchObject({ code: "attachment.digest-mismatch" });
  });

  it("keeps an attachment from agencies no message carrying it has reached: attachment.not-found", async () => {
    const { sha256: digest } = await doe.attachments.upload(bytes("sealed"), "text/plain");
    expect(await failure(live.client("TH:NCC").attachments.download(digest))).toMatchObject({
      code: "attachment.not-found",
      status: 404,
    });
  });

  it("refuses an empty attachment before uploading", async () => {
    expect(await failure(doe.attachments.upload(new Uint8Array(), "text/plain"))).toMatchObject({
      code: "request.malformed",
    });
  });
});
