import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

const SHA256 = /^[0-9a-f]{64}$/;

/** The attachments folder of a node's data folder (where FileAttachmentStore keeps bytes). */
export function attachmentsDir(dir: string): string {
  return join(dir, "attachments");
}

/**
 * The stored attachment files, by digest, with their sizes. Unfinished uploads (temporary
 * names) are not attachments and are left out.
 */
export async function listAttachments(
  dir: string,
): Promise<Array<{ sha256: string; path: string; size: number }>> {
  const folder = attachmentsDir(dir);
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  const out: Array<{ sha256: string; path: string; size: number }> = [];
  for (const name of names.filter((n) => SHA256.test(n)).sort()) {
    const path = join(folder, name);
    out.push({ sha256: name, path, size: (await stat(path)).size });
  }
  return out;
}

export function isSha256(value: unknown): value is string {
  return typeof value === "string" && SHA256.test(value);
}
