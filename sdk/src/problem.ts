import type { Types } from "@frx/spec";
import type { Dispatcher } from "undici";
import { MAX_PROBLEM_BYTES, readBounded } from "./bounds.js";
import { FrxClientError, isSpecErrorCode } from "./errors.js";

/**
 * Turns a node's refusal into a coded error: the problem document's `code`, the HTTP status,
 * and the document itself (with its violations). A refusal without a readable problem
 * document (a proxy's HTML page, say) is `client.response-invalid` with the status.
 */
export async function problemError(
  res: Dispatcher.ResponseData,
  path: string,
): Promise<FrxClientError> {
  const status = res.statusCode;
  // A problem document is small; a node that sends megabytes gets no more of a hearing.
  let text: string;
  try {
    text = await readBounded(res.body, MAX_PROBLEM_BYTES, path, status);
  } catch (error) {
    if (error instanceof FrxClientError) return error;
    text = "";
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  if (isProblem(doc)) {
    return new FrxClientError(doc.code, doc.detail ?? doc.title, { status, problem: doc });
  }
  return new FrxClientError(
    "client.response-invalid",
    `${path}: HTTP ${status} without a problem document`,
    { status },
  );
}

function isProblem(doc: unknown): doc is Types.Problem {
  if (typeof doc !== "object" || doc === null) return false;
  const p = doc as Partial<Types.Problem>;
  return (
    isSpecErrorCode(p.code) &&
    typeof p.title === "string" &&
    (p.violations === undefined || Array.isArray(p.violations))
  );
}
