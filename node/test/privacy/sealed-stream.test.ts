import { createCipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateKeyring } from "../../src/privacy/data-keys.js";
import { openFile, SealedFileAttachmentStore } from "../../src/privacy/sealed-attachments.js";

const MARKER = "SEALED-STREAM-MARKER-41d2";

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

async function store(): Promise<{
  dir: string;
  files: SealedFileAttachmentStore;
  ring: ReturnType<typeof generateKeyring>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "frx-sealed-"));
  dirs.push(dir);
  const ring = generateKeyring();
  return { dir, files: new SealedFileAttachmentStore(dir, () => ring), ring };
}

/** Three and a half reads of 1 MiB, the marker at the start and at the end. */
function content(): { bytes: Buffer; sha256: string } {
  const filler = Buffer.alloc(3.5 * 1024 * 1024, 0x61);
  const bytes = Buffer.concat([Buffer.from(MARKER), filler, Buffer.from(MARKER)]);
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

async function read(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>)
    parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe("sealed attachment files (FRX-DP-001) streamed for the federation (FRX-FED-077)", () => {
  it("streams a sealed file whole and from an offset, with the plaintext size", async () => {
    const { files } = await store();
    const { bytes, sha256 } = content();
    await files.put(sha256, new Blob([bytes]).stream(), bytes.length);
    const blob = (await files.get(sha256))!;
    expect(blob.size).toBe(bytes.length);
    expect((await read(blob.stream())).equals(bytes)).toBe(true);
    for (const start of [1, 16, 300_000, 2_500_000, bytes.length - 3])
      expect((await read(blob.stream(start))).equals(bytes.subarray(start)), `from ${start}`).toBe(
        true,
      );
  });

  it("ends the stream with an error when the sealed file was altered on disk", async () => {
    const { dir, files } = await store();
    const { bytes, sha256 } = content();
    await files.put(sha256, new Blob([bytes]).stream(), bytes.length);
    const sealed = await readFile(join(dir, sha256));
    sealed[sealed.length - 100] ^= 1;
    await writeFile(join(dir, sha256), sealed);
    await expect(read((await files.get(sha256))!.stream())).rejects.toThrow();
  });

  it("seals a file received from a peer when it is promoted, and keeps no plaintext", async () => {
    const { dir, files } = await store();
    const { bytes, sha256 } = content();
    const w = await files.partials.open(`TH-${sha256}`, 0);
    await w.write(bytes.subarray(0, 1000));
    await w.close();
    const rest = await files.partials.open(`TH-${sha256}`, 1000);
    await rest.write(bytes.subarray(1000));
    await rest.close();
    expect(await files.partials.promote(`TH-${sha256}`, sha256)).toBe(true);
    expect((await read((await files.get(sha256))!.stream())).equals(bytes)).toBe(true);
    const names = await readdir(dir, { recursive: true });
    for (const name of names) {
      const path = join(dir, name);
      const raw = await readFile(path).catch(() => undefined);
      if (raw) expect(raw.includes(MARKER), name).toBe(false);
    }
    expect(await files.partials.held(`TH-${sha256}`)).toBe(0);
  });

  it("stores a file that arrived whole from byte 0 by adding its tag: written once, no plaintext", async () => {
    const { dir, files, ring } = await store();
    const { bytes, sha256 } = content();
    const key = `TH-${sha256}`;
    const w = await files.partials.open(key, 0);
    for (let at = 0; at < bytes.length; at += 1024 * 1024)
      await w.write(bytes.subarray(at, at + 1024 * 1024));
    await w.close();
    const partial = await readFile(join(dir, ".partial", key));
    expect(partial.includes(MARKER)).toBe(false);
    expect(await files.partials.promote(key, sha256, sha256)).toBe(true);
    const stored = await readFile(join(dir, sha256));
    // The partial's bytes became the stored file as they were, followed by the GCM tag.
    expect(stored.subarray(0, partial.length).equals(partial)).toBe(true);
    expect(stored.length).toBe(partial.length + 16);
    expect((await read((await files.get(sha256))!.stream())).equals(bytes)).toBe(true);
    expect(openFile(ring, sha256, stored).equals(bytes)).toBe(true);
    expect(await readdir(join(dir, ".partial"))).toEqual([]);
    expect((await readdir(dir)).filter((n) => n.startsWith(".upload-"))).toEqual([]);
  });

  it("refuses to promote a whole partial whose digest differs, and seals one a restart left whole", async () => {
    const { dir, files, ring } = await store();
    const { bytes, sha256 } = content();
    const key = `TH-${sha256}`;
    const w = await files.partials.open(key, 0);
    await w.write(bytes);
    await w.close();
    expect(await files.partials.promote(key, sha256, "0".repeat(64))).toBe(false);
    expect(await files.get(sha256)).toBeUndefined();
    expect(await files.partials.held(key)).toBe(0);
    // Written whole, then the node restarted before promoting: decrypted, hashed and sealed.
    const again = await files.partials.open(key, 0);
    await again.write(bytes);
    await again.close();
    const restarted = new SealedFileAttachmentStore(dir, () => ring);
    expect(await restarted.partials.held(key)).toBe(bytes.length);
    expect(await restarted.partials.promote(key, sha256)).toBe(true);
    expect((await read((await restarted.get(sha256))!.stream())).equals(bytes)).toBe(true);
  });

  it("never serves a whole partial altered on disk before it was promoted", async () => {
    const { dir, files } = await store();
    const { bytes, sha256 } = content();
    const key = `TH-${sha256}`;
    const w = await files.partials.open(key, 0);
    await w.write(bytes);
    await w.close();
    const path = join(dir, ".partial", key);
    const partial = await readFile(path);
    partial[partial.length - 10] ^= 1;
    await writeFile(path, partial);
    // Hashed as it arrived, so the promotion goes through; the tag then refuses the bytes.
    expect(await files.partials.promote(key, sha256, sha256)).toBe(true);
    await expect(read((await files.get(sha256))!.stream())).rejects.toThrow();
  });

  it("keeps a file in transit from a peer encrypted in .partial, and resumes it at any byte (FRX-DP-019)", async () => {
    const { dir, files, ring } = await store();
    const { bytes, sha256 } = content();
    const key = `TH-${sha256}`;
    const partial = join(dir, ".partial", key);
    // A cut at an offset that is no multiple of the cipher's block.
    const cut = 1001;
    const first = await files.partials.open(key, 0);
    await first.write(bytes.subarray(0, 10));
    await first.write(bytes.subarray(10, cut));
    await first.close();
    expect(await files.partials.held(key)).toBe(cut);
    const raw = await readFile(partial);
    expect(raw.includes(MARKER)).toBe(false);
    expect(raw.includes(bytes.subarray(0, 64))).toBe(false);
    // The node restarts: a new store over the same folder and key resumes where it stopped.
    const again = new SealedFileAttachmentStore(dir, () => ring);
    expect(await again.partials.held(key)).toBe(cut);
    await expect(again.partials.open(key, cut + 1)).rejects.toThrow(RangeError);
    const rest = await again.partials.open(key, cut);
    await rest.write(bytes.subarray(cut));
    await rest.close();
    const whole = await readFile(partial);
    expect(whole.includes(MARKER)).toBe(false);
    expect(await again.partials.promote(key, sha256)).toBe(true);
    expect((await read((await again.get(sha256))!.stream())).equals(bytes)).toBe(true);
    expect(await again.partials.held(key)).toBe(0);
  });

  it("resumes a partial that the previous version wrote (FRXP, under a key derived from the data key)", async () => {
    const { dir, files, ring } = await store();
    const { bytes, sha256 } = content();
    const key = `TH-${sha256}`;
    const cut = 777;
    const iv = randomBytes(16);
    const derived = Buffer.from(
      hkdfSync("sha256", ring.key(ring.currentId)!, Buffer.alloc(0), "frx partial file/1", 32),
    );
    const body = createCipheriv("aes-256-ctr", derived, iv).update(bytes.subarray(0, cut));
    const id = Buffer.from(ring.currentId, "ascii");
    await mkdir(join(dir, ".partial"), { recursive: true });
    await writeFile(
      join(dir, ".partial", key),
      Buffer.concat([Buffer.from("FRXP"), Buffer.from([id.length]), id, iv, body]),
    );
    expect(await files.partials.held(key)).toBe(cut);
    const rest = await files.partials.open(key, cut);
    await rest.write(bytes.subarray(cut));
    await rest.close();
    expect(await files.partials.promote(key, sha256)).toBe(true);
    expect((await read((await files.get(sha256))!.stream())).equals(bytes)).toBe(true);
  });

  it("discards a partial whose bytes do not hash to its digest, and one from before encryption", async () => {
    const { dir, files } = await store();
    const { bytes, sha256 } = content();
    const key = `LA-${sha256}`;
    const w = await files.partials.open(key, 0);
    await w.write(bytes.subarray(0, 500));
    await w.write(Buffer.from("not the file"));
    await w.close();
    expect(await files.partials.promote(key, sha256)).toBe(false);
    expect(await files.get(sha256)).toBeUndefined();
    expect(await files.partials.held(key)).toBe(0);
    // A partial kept in plaintext by an older version holds nothing: the transfer starts again.
    await writeFile(join(dir, ".partial", key), bytes.subarray(0, 500));
    expect(await files.partials.held(key)).toBe(0);
  });
});
