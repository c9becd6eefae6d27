import { DEFAULT_MAX_ENVELOPE_BYTES } from "@frx/spec";
import type { Readable } from "node:stream";
import { FrxClientError } from "./errors.js";

/**
 * The SDK's bounds on what it reads from its node, which it does not trust to be well
 * behaved (the README's "Bounds" table lists them): no answer is buffered beyond these.
 */
export const MAX_JSON_BYTES = 1024 * 1024;
/** Directories, trust lists, registries and case views: bounded by their schemas, but larger. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** A refusal's problem document. */
export const MAX_PROBLEM_BYTES = 64 * 1024;
/** An inbox page of `limit` items: each an envelope of at most 256 KiB and a few members. */
export function inboxPageBytes(limit: number): number {
  return limit * (DEFAULT_MAX_ENVELOPE_BYTES + 2048) + 64 * 1024;
}

/**
 * Reads a body as text, at most `maxBytes` of it; a larger one is destroyed and refused with
 * `client.response-invalid`.
 *
 * @example const text = await readBounded(res.body, MAX_JSON_BYTES, "/v1/directory", 200)
 */
export async function readBounded(
  body: Readable,
  maxBytes: number,
  path: string,
  status: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new FrxClientError(
        "client.response-invalid",
        `${path}: the answer is larger than the ${maxBytes} bytes this client reads`,
        { status },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
