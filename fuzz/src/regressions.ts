import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** fuzz/regressions: one folder per target, one JSON file per input that once failed. */
export const regressionsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "regressions");

export interface Regression {
  target: string;
  /** Why it is kept: the failure it caused, or the finding it reproduces. */
  failure: string;
  found: string;
  input: unknown;
}

/** Saves a failing input under a name derived from its content, so a rerun does not duplicate it. */
export async function saveRegression(r: Regression, dir = regressionsDir): Promise<string> {
  const text = JSON.stringify(r, null, 2) + "\n";
  const name = createHash("sha256").update(JSON.stringify(r.input)).digest("hex").slice(0, 16);
  const file = join(dir, r.target, `${name}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

/** Every saved regression, with its file, sorted by path. */
export async function loadRegressions(
  dir = regressionsDir,
): Promise<Array<Regression & { file: string }>> {
  const out: Array<Regression & { file: string }> = [];
  for (const target of (await readdir(dir, { withFileTypes: true })).filter((d) =>
    d.isDirectory(),
  )) {
    for (const f of (await readdir(join(dir, target.name)))
      .filter((n) => n.endsWith(".json"))
      .sort()) {
      const file = join(dir, target.name, f);
      const r = JSON.parse(await readFile(file, "utf8")) as Regression;
      if (r.target !== target.name) throw new TypeError(`${file} names target ${r.target}`);
      out.push({ ...r, file });
    }
  }
  return out;
}
