import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Types } from "@frx/spec";
import { FrxClientError } from "./errors.js";
import type { Http } from "./http.js";
import type { CallOptions } from "./options.js";

/** Bytes in memory, a file path, or a stream of bytes. */
export type AttachmentSource = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** What an envelope's `attachments` lists for a file. */
export type AttachmentDescriptor = Types.Attachment;

/** The largest attachment the spec allows (entities/attachment.json). @example if (size > MAX_ATTACHMENT_BYTES) split() */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * Uploads a file under its SHA-256 (PUT /v1/attachments/:sha256) and returns its descriptor.
 * The digest is the address, so it is known before the PUT: bytes are hashed directly, a file
 * is read twice (hash, then upload), and a stream is spooled to a temporary file while it is
 * hashed, then uploaded from that file and the file removed. A retry re-reads the file.
 *
 * @example const pdf = await uploadAttachment(http, "ledger.pdf", "application/pdf"); await client.send(type, { ...input, attachments: [pdf] })
 */
export async function uploadAttachment(
  http: Http,
  source: AttachmentSource,
  mediaType: string,
  options: CallOptions & { name?: string } = {},
): Promise<AttachmentDescriptor> {
  if (!MEDIA_TYPE.test(mediaType)) throw new TypeError(`not an IANA media type: ${mediaType}`);
  const { name, ...call } = options;
  if (source instanceof Uint8Array) {
    const { sha256, size } = digestBytes(source);
    return put(http, { sha256, mediaType, size }, () => source, call, name);
  }
  if (typeof source === "string") {
    const { sha256, size } = await digestStream(createReadStream(source));
    return put(http, { sha256, mediaType, size }, () => createReadStream(source), call, name);
  }
  const dir = await mkdtemp(join(tmpdir(), "frx-upload-"));
  try {
    const file = join(dir, "spool");
    const { sha256, size } = await digestStream(source, createWriteStream(file, { mode: 0o600 }));
    return await put(http, { sha256, mediaType, size }, () => createReadStream(file), call, name);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function put(
  http: Http,
  descriptor: AttachmentDescriptor,
  body: () => Uint8Array | Readable,
  call: CallOptions,
  name: string | undefined,
): Promise<AttachmentDescriptor> {
  if (descriptor.size === 0)
    throw new FrxClientError("request.malformed", "an attachment has at least one byte");
  const reply = await http.json<Partial<AttachmentDescriptor>>({
    method: "PUT",
    path: `/v1/attachments/${descriptor.sha256}`,
    auth: true,
    headers: { "content-type": descriptor.mediaType, "content-length": String(descriptor.size) },
    body,
    ...call,
  });
  if (reply.sha256 !== descriptor.sha256 || reply.size !== descriptor.size)
    throw new FrxClientError("client.response-invalid", "the node stored other bytes");
  return name === undefined ? descriptor : { ...descriptor, name };
}

function digestBytes(bytes: Uint8Array): { sha256: string; size: number } {
  if (bytes.byteLength > MAX_ATTACHMENT_BYTES) throw tooLarge();
  return { sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.byteLength };
}

/** Hashes a stream (and copies it into `sink`, if given), refusing more than the limit. */
async function digestStream(
  source: Readable | AsyncIterable<Uint8Array>,
  sink?: NodeJS.WritableStream,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  const add = (chunk: Uint8Array): void => {
    size += chunk.byteLength;
    if (size > MAX_ATTACHMENT_BYTES) throw tooLarge();
    hash.update(chunk);
  };
  if (sink) {
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        try {
          add(chunk);
          done(null, chunk);
        } catch (error) {
          done(error as Error);
        }
      },
    });
    await pipeline(source, meter, sink);
  } else {
    for await (const chunk of source) add(chunk);
  }
  return { sha256: hash.digest("hex"), size };
}

function tooLarge(): FrxClientError {
  return new FrxClientError(
    "attachment.too-large",
    `attachments are limited to ${MAX_ATTACHMENT_BYTES} bytes`,
  );
}
