import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateKeyring } from "../../src/privacy/data-keys.js";
import { SealedFileAttachmentStore } from "../../src/privacy/sealed-attachments.js";

const MARKER = "SEALED-STREAM-MARKER-41d2";

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

async function store(): Promise<{ dir: string; files: SealedFileAttachmentStore }> {
  const dir = await mkdtemp(join(tmpdir(), "frx-sealed-"));
  dirs.push(dir);
  const ring = generateKeyring();
  return { dir, files: new SealedFileAttachmentStore(dir, () => ring) };
}

/** Three and a half reads of 256 KiB, the marker at the start and at the end. */
function content(): { bytes: Buffer; sha256: string } {
  const filler = Buffer.alloc(900 * 1024, 0x61);
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
    for (const start of [1, 16, 300_000, bytes.length - 3])
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
});
