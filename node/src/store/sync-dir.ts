import { open } from "node:fs/promises";

/**
 * Syncs a folder itself, so that a file renamed into it (or created in it) survives a crash or
 * a power cut: on POSIX a rename is an entry in its directory, made durable only by syncing
 * the directory. Attachment stores call it after placing a file, before `put` resolves and a
 * receipt can follow (FRX-RCPT-001).
 */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
