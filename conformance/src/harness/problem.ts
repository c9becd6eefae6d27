import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ErrorCode } from "@frx/spec";
import { check, same } from "./check.js";
import type { Reply } from "./http.js";

/**
 * The status table of envelope.md ("Refusals"), read from the @frx/spec package this suite
 * runs with, so that it is the specification's table and not a copy: rows of a status and the
 * codes or `prefix.*` patterns it lists.
 */
function statusTable(): Array<{ status: number | null; patterns: string[] }> {
  const dir = dirname(createRequire(import.meta.url).resolve("@frx/spec/package.json"));
  const text = readFileSync(join(dir, "envelope.md"), "utf8");
  const start = text.indexOf("| HTTP status | codes |");
  if (start < 0) throw new TypeError("envelope.md has no status table");
  const rows: Array<{ status: number | null; patterns: string[] }> = [];
  for (const line of text.slice(start).split("\n").slice(2)) {
    const m = /^\| (\d{3}|none) \| (.+) \|$/.exec(line);
    if (!m) break;
    rows.push({
      status: m[1] === "none" ? null : Number(m[1]),
      patterns: [...m[2]!.matchAll(/`([a-z.*-]+)`/g)].map((p) => p[1]!),
    });
  }
  return rows;
}

const TABLE = statusTable();

/** The HTTP status envelope.md's table gives a code (FRX-API-005); undefined when it gives none. */
export function tableStatus(code: string): number | undefined {
  const row = TABLE.find((r) =>
    r.patterns.some((p) => (p.endsWith(".*") ? code.startsWith(p.slice(0, -1)) : p === code)),
  );
  return row?.status ?? undefined;
}

export interface Problem {
  type: string;
  code: string;
  status?: number;
  title?: string;
  detail?: string;
  violations?: Array<{ pointer: string; code: string; message?: string }>;
}

/**
 * Asserts that `reply` is an RFC 9457 refusal with `code` (FRX-ENV-022): the status
 * envelope.md's table gives the code (FRX-API-005), media type application/problem+json,
 * `code`, and `type` urn:frx:problem:<code>.
 */
export function expectProblem(reply: Reply, code: ErrorCode): Problem {
  check(
    reply.status >= 400,
    `expected a refusal with ${code}, got HTTP ${reply.status}: ${reply.text.slice(0, 300)}`,
  );
  const problem = reply.json<Problem>();
  same(
    problem.code,
    code,
    `problem code (HTTP ${reply.status}, detail ${JSON.stringify(problem.detail)})`,
  );
  same(problem.type, `urn:frx:problem:${code}`, "problem type");
  const mediaType = (reply.headers["content-type"] ?? "").split(";")[0]!.trim();
  same(mediaType, "application/problem+json", "problem media type");
  const status = tableStatus(code);
  check(
    status !== undefined && reply.status === status,
    `${code} answered with HTTP ${reply.status}; envelope.md's table gives ${status ?? "no status"} (FRX-API-005)`,
  );
  return problem;
}
