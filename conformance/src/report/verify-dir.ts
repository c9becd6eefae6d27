import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { thumbprint, type PublicJwk } from "@frx/spec";
import { KIT_FILES, type KitManifest } from "../kit/files.js";
import { verifyReport } from "./sign.js";

export interface ReportVerdict {
  valid: boolean;
  /** The kid of the key that signed (the report's own reportKey). */
  kid?: string;
  /** Whether the key was compared with a kit's kit.json (not only taken from the report). */
  keyFromKit: boolean;
  /** Why the report does not verify. */
  reasons: string[];
}

async function readBytes(file: string): Promise<Buffer | undefined> {
  return readFile(file).catch(() => undefined);
}
async function readText(file: string): Promise<string | undefined> {
  return (await readBytes(file))?.toString("utf8");
}

function isEd25519(k: unknown): k is PublicJwk {
  const j = k as Partial<PublicJwk> | null;
  return !!j && j.kty === "OKP" && j.crv === "Ed25519" && typeof j.x === "string";
}

/**
 * Checks a report folder: report.json.jws is a detached signature over report.json's exact
 * bytes, made with the key report.json names (`reportKey`), and, when `kit` (a kit folder or
 * its kit.json) is given, that key is the kit's report key.
 *
 * @example const v = await verifyReportDir("report", { kit: "kit/kit.json" }); v.valid
 */
export async function verifyReportDir(
  dir: string,
  o: { kit?: string } = {},
): Promise<ReportVerdict> {
  const reasons: string[] = [];
  const verdict = (kid?: string): ReportVerdict => ({
    valid: reasons.length === 0,
    ...(kid ? { kid } : {}),
    keyFromKit: o.kit !== undefined,
    reasons,
  });
  const bytes = await readBytes(join(dir, "report.json"));
  const jws = (await readText(join(dir, "report.json.jws")))?.trim();
  if (bytes === undefined) reasons.push(`${join(dir, "report.json")} cannot be read`);
  if (jws === undefined) reasons.push(`${join(dir, "report.json.jws")} cannot be read`);
  if (bytes === undefined || jws === undefined) return verdict();
  let key: unknown;
  try {
    key = (JSON.parse(bytes.toString("utf8")) as { reportKey?: unknown }).reportKey;
  } catch {
    reasons.push("report.json is not JSON");
    return verdict();
  }
  if (!isEd25519(key)) {
    reasons.push("report.json names no Ed25519 reportKey");
    return verdict();
  }
  const kid = thumbprint(key);
  if (o.kit !== undefined) {
    const file = o.kit.endsWith(".json") ? o.kit : join(o.kit, KIT_FILES.manifest);
    const text = await readText(file);
    let kitKey: unknown;
    try {
      kitKey = text === undefined ? undefined : (JSON.parse(text) as KitManifest).reportKey;
    } catch {
      kitKey = undefined;
    }
    if (!isEd25519(kitKey)) reasons.push(`${file} names no report key`);
    else if (thumbprint(kitKey) !== kid)
      reasons.push(
        `report.json is signed with ${kid}, not the kit's report key ${thumbprint(kitKey)}`,
      );
  }
  let header: { kid?: unknown } = {};
  try {
    header = JSON.parse(Buffer.from(jws.split(".")[0] ?? "", "base64url").toString("utf8")) as {
      kid?: unknown;
    };
  } catch {
    reasons.push("report.json.jws has no readable protected header");
    return verdict(kid);
  }
  if (header.kid !== kid) reasons.push(`the signature names kid ${String(header.kid)}, not ${kid}`);
  let ok = false;
  try {
    ok = verifyReport(bytes, jws, key);
  } catch {
    ok = false;
  }
  if (!ok) reasons.push("the detached signature does not verify over report.json's bytes");
  return verdict(kid);
}
