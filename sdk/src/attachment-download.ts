import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { FrxClientError } from "./errors.js";
import type { Http } from "./http.js";
import type { CallOptions } from "./options.js";
import { MAX_ATTACHMENT_BYTES } from "./attachments.js";

const SHA256 = /^[0-9a-f]{64}$/;

/** A download in progress: the bytes arrive through `stream`, checked against the digest. */
export interface AttachmentDownload {
  sha256: string;
  mediaType: string;
  /** The size the node announced, if it did. */
  size: number | undefined;
  /**
   * The bytes. The stream hashes them as they pass and ends with an error coded
   * `attachment.digest-mismatch` instead of ending normally if they do not hash to `sha256`
   * (so a consumer that writes to a temporary file renames it only once the stream ended).
   */
  stream: Readable;
  /** Reads the whole stream into memory (verified). */
  bytes(): Promise<Uint8Array>;
}

/**
 * GET /v1/attachments/:sha256, verifying the digest as the bytes are read.
 *
 * @example const file = await downloadAttachment(http, sha256); await pipeline(file.stream, createWriteStream(tmp))
 */
export async function downloadAttachment(
  http: Http,
  sha256: string,
  options: CallOptions = {},
): Promise<AttachmentDownload> {
  if (!SHA256.test(sha256)) throw new TypeError(`not a lower-case hex SHA-256: ${sha256}`);
  return http.call(
    {
      method: "GET",
      path: `/v1/attachments/${sha256}`,
      auth: true,
      streaming: true,
      ...options,
    },
    (res) => {
      const length = Number(res.headers["content-length"]);
      const stream = res.body.pipe(verifier(sha256));
      res.body.on("error", (error) => stream.destroy(error));
      const type = res.headers["content-type"];
      return Promise.resolve({
        sha256,
        mediaType: (Array.isArray(type) ? type[0] : type) ?? "application/octet-stream",
        size: Number.isSafeInteger(length) ? length : undefined,
        stream,
        bytes: () => collect(stream),
      });
    },
  );
}

function verifier(expected: string): Transform {
  const hash = createHash("sha256");
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.byteLength;
      if (size > MAX_ATTACHMENT_BYTES)
        return done(new FrxClientError("attachment.too-large", "the download exceeds 50 MiB"));
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = hash.digest("hex");
      if (actual === expected) return done();
      done(
        new FrxClientError(
          "attachment.digest-mismatch",
          `the bytes received hash to ${actual}, not ${expected}`,
        ),
      );
    },
  });
}

async function collect(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
