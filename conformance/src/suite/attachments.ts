import { createHash, randomBytes } from "node:crypto";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";

const t = section("agency-api/attachments", "core");
const LIMIT = 52_428_800;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function put(
  h: Harness,
  digest: string,
  bytes: Buffer,
  as: "LI" | "VS" = "LI",
  mediaType = "application/pdf",
) {
  return h.call("PUT", `/v1/attachments/${digest}`, {
    as,
    headers: { "content-type": mediaType },
    body: bytes,
    isolate: bytes.length > 1_000_000,
  });
}

async function get(h: Harness, digest: string, as: "LI" | "VS" | "POL") {
  return h.call("GET", `/v1/attachments/${digest}`, { as });
}

export const attachmentTests = [
  t("FRX-ENV-015", async (h) => {
    const bytes = randomBytes(1024);
    const other = sha(randomBytes(16));
    h.problem(await put(h, other, bytes), "attachment.digest-mismatch");
    h.problem(await get(h, other, "LI"), "attachment.not-found");
  }),

  t("FRX-ENV-016", async (h) => {
    const full = Buffer.alloc(LIMIT, 0x41);
    full.write(h.kit.manifest.createdAt + Date.now());
    const res = await put(h, sha(full), full);
    check(
      res.status === 201 || res.status === 200,
      `an attachment of exactly ${LIMIT} bytes was refused: HTTP ${res.status} ${res.text.slice(0, 200)}`,
    );
    const over = Buffer.alloc(LIMIT + 1, 0x42);
    h.problem(await put(h, sha(over), over), "attachment.too-large");
  }),

  t("FRX-ENV-017", async (h) => {
    const missing = { sha256: sha(randomBytes(32)), mediaType: "application/pdf", size: 32 };
    await h.refused(
      h.sign(h.envelope("case-notify-ok", { attachments: [missing] })),
      "attachment.not-found",
    );
  }),

  t("FRX-ENV-018", async (h) => {
    const bytes = randomBytes(2048);
    const digest = sha(bytes);
    const up = await put(h, digest, bytes);
    check(
      up.status === 201 || up.status === 200,
      `upload refused: HTTP ${up.status} ${up.text.slice(0, 200)}`,
    );
    // Not yet listed in any envelope to victim services: it does not exist for them.
    h.problem(await get(h, digest, "VS"), "attachment.not-found");
    const attachments = [{ sha256: digest, mediaType: "application/pdf", size: bytes.length }];
    await h.accepted(h.sign(h.envelope("case-notify-ok", { attachments })));
    const got = await get(h, digest, "VS");
    same(got.status, 200, "GET by a recipient of an envelope listing the attachment");
    same(sha(got.bytes), digest, "the bytes a recipient gets back hash to the digest");
    h.problem(await get(h, digest, "POL"), "attachment.not-found");
  }),

  t(
    "FRX-ENV-033",
    async (h) => {
      const bytes = randomBytes(512);
      const digest = sha(bytes);
      for (const type of ["application/pdf", "text/html"]) {
        const up = await put(h, digest, bytes, "LI", type);
        check(
          up.status < 300,
          `upload as ${type} refused: HTTP ${up.status} ${up.text.slice(0, 200)}`,
        );
      }
      const attachments = [{ sha256: digest, mediaType: "application/pdf", size: bytes.length }];
      await h.accepted(h.sign(h.envelope("case-notify-ok", { attachments })));
      const got = await get(h, digest, "VS");
      same(got.status, 200, "GET by a recipient of an envelope listing the attachment");
      same(
        got.headers["content-type"]?.split(";")[0]?.trim(),
        "application/pdf",
        "the media type served after a second upload of the same bytes as text/html",
      );
      check(
        /^attachment\b/i.test(got.headers["content-disposition"] ?? ""),
        `Content-Disposition is ${JSON.stringify(got.headers["content-disposition"])}, not attachment`,
      );
      same(got.headers["x-content-type-options"], "nosniff", "X-Content-Type-Options");
    },
    { covers: ["FRX-ENV-034"] },
  ),
];
