import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Child } from "./children.js";
import type { LoadJob, LoadResult } from "./load.js";

export const START_MS = 15_000;
export const STOP_MS = 15_000;

/** A compiled bench entry in this folder. */
export function here(file: string): URL {
  return new URL(file, import.meta.url);
}

/** Runs load.js with `job` (written into `tmp`) and returns its result. */
export async function runLoad(tmp: string, name: string, job: LoadJob): Promise<LoadResult> {
  const file = join(tmp, `load-${name}.json`);
  await writeFile(file, JSON.stringify(job));
  const load = new Child(`load-${name}`, here("load.js"), [file]);
  const result = await load.next<LoadResult>(job.timeLimitMs * 1.5 + 30_000);
  const code = await load.stop(STOP_MS);
  if (code !== 0) throw load.failure(`exited with code ${code}`);
  return result;
}

/** Asks a server child to close; returns the figures it prints on its way out. */
export async function stopServer<T>(child: Child): Promise<T> {
  const last = child.next<T>(STOP_MS);
  const code = await child.stop(STOP_MS);
  const stats = await last;
  if (code !== 0) throw child.failure(`exited with code ${code}`);
  return stats;
}
