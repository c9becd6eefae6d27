import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { errorCodeValues } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { statusOf } from "../src/http/problem.js";
import { fixture, thaiNode, type TestNode } from "./harness.js";

/**
 * FRX-API-005: one truth for HTTP statuses. The status table of spec/envelope.md is read here
 * as a certifier would read it, and every error code the node can return is held against it.
 */
const envelopeMd = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", "spec", "envelope.md"),
  "utf8",
);

/** The table's rows: status (or "none") and the codes or `prefix.*` patterns listed. */
function statusTable(): Array<{ status: string; patterns: string[] }> {
  const start = envelopeMd.indexOf("| HTTP status | codes |");
  expect(start).toBeGreaterThan(0);
  const rows: Array<{ status: string; patterns: string[] }> = [];
  for (const line of envelopeMd.slice(start).split("\n").slice(2)) {
    const m = /^\| (\d{3}|none) \| (.+) \|$/.exec(line);
    if (!m) break;
    rows.push({ status: m[1]!, patterns: [...m[2]!.matchAll(/`([a-z.*-]+)`/g)].map((p) => p[1]!) });
  }
  return rows;
}

const matches = (pattern: string, code: string) =>
  pattern.endsWith(".*") ? code.startsWith(pattern.slice(0, -1)) : pattern === code;

describe("HTTP statuses follow envelope.md's table (FRX-API-005)", () => {
  const rows = statusTable();

  it("the table lists every pattern once and names only real codes", () => {
    const patterns = rows.flatMap((r) => r.patterns);
    expect(new Set(patterns).size).toBe(patterns.length);
    const unmatched = patterns.filter((p) => !errorCodeValues.some((c) => matches(p, c)));
    expect(unmatched).toEqual([]);
  });

  it.each([...errorCodeValues])("%s has exactly one row, and the node uses its status", (code) => {
    const found = rows.filter((r) => r.patterns.some((p) => matches(p, code)));
    expect(found.map((r) => r.status)).toHaveLength(1);
    const status = found[0]!.status;
    if (status !== "none") expect(statusOf(code)).toBe(Number(status));
  });
});

describe("real refusals carry the table's status", () => {
  let t: TestNode;
  beforeEach(async () => {
    t = await thaiNode();
  });
  afterEach(async () => t.node.close());

  async function refusal(res: Response): Promise<{ http: number; status: number; code: string }> {
    const problem = (await res.json()) as { status: number; code: string };
    return { http: res.status, status: problem.status, code: problem.code };
  }

  it("schema.invalid is 400, in the header and in the problem", async () => {
    const env = fixture("referral.create");
    env.unexpected = true;
    expect(await refusal(await t.submit(t.sign(env)))).toEqual({
      http: 400,
      status: 400,
      code: "schema.invalid",
    });
  });

  it("state.actor-forbidden is 409, not 403", async () => {
    await t.submit(t.sign(fixture("referral.create")));
    // The referrer may not accept its own referral: only the recipient may.
    const accept = fixture("referral.accept");
    accept.from = "TH:DOE";
    expect(await refusal(await t.submit(t.sign(accept)))).toEqual({
      http: 409,
      status: 409,
      code: "state.actor-forbidden",
    });
  });
});
