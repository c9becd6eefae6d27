/**
 * A file renamed into the attachment store is durable only once the store's folder is synced
 * (POSIX: a rename is an entry in its directory). A receipt follows the attachment's storage
 * (FRX-RCPT-001), so each store syncs its folder after the rename, before `put` resolves.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

/** Every path whose handle was synced, in order, as the stores under test see `open`. */
const synced: string[] = [];
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  const open: typeof fs.open = async (...args) => {
    const handle = await fs.open(...args);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      await sync();
      synced.push(String(args[0]));
    };
    return handle;
  };
  return { ...fs, open, default: { ...fs, open } };
});

const { FileAttachmentStore } = await import("../../src/store/attachments.js");
const { SealedFileAttachmentStore } = await import("../../src/privacy/sealed-attachments.js");
const { generateKeyring } = await import("../../src/privacy/data-keys.js");

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
  synced.length = 0;
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "frx-dirsync-"));
  dirs.push(dir);
  return dir;
}

const bytes = Buffer.from("a payslip, 1 page");
const sha256 = createHash("sha256").update(bytes).digest("hex");

describe("the attachment stores sync their folder after placing a file", () => {
  it("plain files: the folder is synced after the file", async () => {
    const dir = await folder();
    await new FileAttachmentStore(dir).put(sha256, new Blob([bytes]).stream(), 1024);
    expect(synced.at(-1), `synced: ${synced.join(", ")}`).toBe(dir);
    expect(synced.length).toBeGreaterThanOrEqual(2);
  });

  it("sealed files (encryption at rest): the folder is synced after the file", async () => {
    const dir = await folder();
    const ring = generateKeyring();
    await new SealedFileAttachmentStore(dir, () => ring).put(
      sha256,
      new Blob([bytes]).stream(),
      1024,
    );
    expect(synced.at(-1), `synced: ${synced.join(", ")}`).toBe(dir);
    expect(synced.length).toBeGreaterThanOrEqual(2);
  });
});
