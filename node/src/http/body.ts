import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { FrxError } from "@frx/spec";
import type { Context } from "hono";

type TooLarge = "request.too-large" | "envelope.too-large";

/**
 * A request body as text, refused with `code` (413) when it exceeds `maxSize` bytes: at once when
 * its Content-Length says so, else as soon as the bytes read pass the limit, so an oversized body
 * is never held whole (what hono's bodyLimit does, with the same answers).
 *
 * Behind @hono/node-server the bytes are read from the Node request itself: asking hono's
 * request for its body builds a WHATWG Request, an AbortController and a web stream around the
 * socket first, which the ingest profile showed costing more than the route's own work on the
 * HTTP side. In process (`app.request`, tests) there is no Node request, and the web stream is read.
 *
 * @example const jws = (await bodyText(c, 262_160, "envelope.too-large")).trim()
 */
export async function bodyText(c: Context, maxSize: number, code: TooLarge): Promise<string> {
  const tooLarge = () => new FrxError(code, `the body exceeds ${maxSize} bytes`);
  const declared = c.req.header("content-length");
  if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
    if (parseInt(declared, 10) > maxSize) throw tooLarge();
  }
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  // Only a real request stream (tests may pass an env with just a socket address).
  const bytes =
    incoming instanceof Readable
      ? await readIncoming(incoming as IncomingMessage, maxSize)
      : await readStream(c.req.raw.body, maxSize);
  if (bytes === null) throw tooLarge();
  return bytes.toString("utf8");
}

/** The bytes of a Node request, or null once they pass `maxSize` (the rest is drained unread). */
function readIncoming(incoming: IncomingMessage, maxSize: number): Promise<Buffer | null> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxSize) chunks.push(chunk);
      else {
        done();
        // Drained, not held: the answer (413) goes out; the connection may stay open.
        incoming.resume();
        resolve(null);
      }
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: unknown) => {
      done();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onClose = () => {
      done();
      reject(new Error("the request was closed before its body ended"));
    };
    const done = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

/** The bytes of a web stream, or null once they pass `maxSize`. */
async function readStream(
  body: ReadableStream<Uint8Array> | null,
  maxSize: number,
): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxSize) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
