import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PrivateJwk } from "@frx/spec";
import { reportHtml } from "./html.js";
import { junitXml } from "./junit.js";
import type { Report } from "./model.js";
import { signReport } from "./sign.js";

/**
 * Writes report.json, its detached signature report.json.jws, junit.xml and report.html
 * into `dir`. The signature covers report.json's exact bytes.
 */
export async function writeReports(
  dir: string,
  report: Report,
  key: PrivateJwk,
): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const bytes = Buffer.from(JSON.stringify(report, null, 2) + "\n", "utf8");
  const files = {
    json: join(dir, "report.json"),
    jws: join(dir, "report.json.jws"),
    junit: join(dir, "junit.xml"),
    html: join(dir, "report.html"),
  };
  await writeFile(files.json, bytes);
  await writeFile(files.jws, signReport(bytes, key) + "\n");
  await writeFile(files.junit, junitXml(report));
  await writeFile(files.html, reportHtml(report));
  return files;
}
