import { createHash } from "node:crypto";
import * as fc from "fast-check";
import { fuzzNode, tokenFor } from "../node-harness.js";
import { expectAnswer } from "../oracles.js";
import { fail, type FuzzTarget } from "../target.js";

interface Input {
  bytes: number[];
  /** "match": the bytes' own digest; otherwise a digest or path segment of the fuzzer's. */
  digest: string;
  mediaType: string;
  uploader: string;
  reader: string;
}

const PARTICIPANTS = ["TH:DOE", "TH:DSDW", "TH:ATPD", "TH:IMB"];

/**
 * Attachment uploads and downloads (PUT/GET /v1/attachments/:sha256) with random bytes,
 * digests that match or not, odd media types and several uploaders of the same bytes.
 * Oracles: stored only when the bytes hash to the path's digest; the first upload fixes the
 * media type; a download returns exactly the bytes, as an attachment, never sniffed; nobody
 * who has not uploaded the bytes (or been sent them) can read them; refusals are coded 4xx.
 */
export async function attachmentsTarget(): Promise<FuzzTarget<Input>> {
  const n = await fuzzNode();
  const firstType = new Map<string, string>();
  const uploaders = new Map<string, Set<string>>();
  const arbitrary: fc.Arbitrary<Input> = fc.record({
    bytes: fc.oneof(
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
      fc.constantFrom<number[]>([], [0x3c, 0x68, 0x74, 0x6d, 0x6c, 0x3e], [1, 2, 3]),
    ),
    digest: fc.oneof(
      fc.constant("match"),
      fc.constant("match"),
      fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }),
      fc.constantFrom(
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "..",
        "%2e%2e",
        "x",
      ),
    ),
    mediaType: fc.constantFrom(
      "application/pdf",
      "text/html",
      "image/svg+xml",
      "",
      "a/b; charset=x",
      "not a type",
    ),
    uploader: fc.constantFrom(...PARTICIPANTS),
    reader: fc.constantFrom(...PARTICIPANTS),
  });
  return {
    name: "attachments",
    surface: "attachment uploads and downloads",
    arbitrary,
    async check(i) {
      const bytes = Uint8Array.from(i.bytes);
      const own = createHash("sha256").update(bytes).digest("hex");
      const digest = i.digest === "match" ? own : i.digest;
      const headers: Record<string, string> = {
        authorization: `Bearer ${await tokenFor(n, i.uploader)}`,
      };
      if (i.mediaType !== "") headers["content-type"] = i.mediaType;
      const put = await n.request(`/v1/attachments/${digest}`, {
        method: "PUT",
        headers,
        body: bytes,
      });
      const { status } = await expectAnswer(put);
      if (status === 200 || status === 201) {
        if (digest !== own) fail(`bytes hashing to ${own} stored under ${digest}`);
        const meta = (await put.json()) as { size: number; mediaType: string };
        if (meta.size !== bytes.length) fail(`size ${meta.size} for ${bytes.length} bytes`);
        const mediaType = (i.mediaType || "application/octet-stream").split(";")[0]!.trim();
        if (!firstType.has(own)) firstType.set(own, mediaType);
        if (meta.mediaType !== firstType.get(own))
          fail(`media type changed to ${meta.mediaType} by a later upload`);
        if (!uploaders.has(own)) uploaders.set(own, new Set());
        uploaders.get(own)!.add(i.uploader);
      } else if (digest === own && bytes.length > 0) {
        fail(`a genuine upload was refused (${status})`);
      }
      const get = await n.request(`/v1/attachments/${digest}`, {
        headers: { authorization: `Bearer ${await tokenFor(n, i.reader)}` },
      });
      const answer = await expectAnswer(get);
      const mayRead = digest === own && (uploaders.get(own)?.has(i.reader) ?? false);
      if (answer.status === 200) {
        if (!mayRead) fail(`${i.reader} read bytes it never uploaded nor was sent`);
        const back = new Uint8Array(await get.arrayBuffer());
        if (Buffer.compare(Buffer.from(back), Buffer.from(bytes)) !== 0)
          fail("downloaded bytes differ");
        if (!/^attachment/.test(get.headers.get("content-disposition") ?? ""))
          fail("served inline");
        if (get.headers.get("x-content-type-options") !== "nosniff") fail("served without nosniff");
        if (get.headers.get("content-type") !== firstType.get(own))
          fail("served with another media type");
      } else if (mayRead) fail(`the uploader could not read its attachment (${answer.code})`);
    },
    close: () => n.close(),
  };
}
