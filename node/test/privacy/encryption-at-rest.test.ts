import { createHash } from "node:crypto";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/domain/audit-verify.js";
import { publicJwkOf } from "@frx/spec";
import { fixture } from "../harness.js";
import { checkReceipt, diskNode, filesContaining, markerForms } from "./disk-node.js";

const MARKER = "Zephyrine Quobaltwick";
const FILE_MARKER = "PAYSLIP-MARKER-7f3c9e: Zephyrine owed 48,000 THB";

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

/** A T2 referral naming the marker, with an attachment holding the file marker, sent and read back. */
async function sendMarked() {
  const t = await diskNode();
  dirs.push(t.dir);
  const bytes = Buffer.from(FILE_MARKER);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const put = await t.as("TH:DOE", `/v1/attachments/${sha256}`, {
    method: "PUT",
    headers: { "content-type": "text/plain" },
    body: bytes,
  });
  expect(put.status).toBe(201);
  const env = fixture("referral.create");
  (env.body.persons as Array<{ identified: { fullName: string } }>)[0]!.identified.fullName =
    MARKER;
  env.attachments = [{ sha256, mediaType: "text/plain", size: bytes.length }];
  const jws = t.sign(env);
  const res = await t.submit(jws);
  expect(res.status).toBe(201);
  const { receipt } = (await res.json()) as { receipt: string };
  return { t, jws, sha256, bytes, receipt };
}

describe("encryption at rest (FRX-DP-001)", () => {
  it("keeps no plaintext of a T2 body or an attachment in the raw store files, and reads both back", async () => {
    const { t, jws, sha256, bytes } = await sendMarked();
    // Read back through the API: the inbox gives the envelope exactly as signed, the file as uploaded.
    const inbox = (await (await t.as("TH:DSDW", "/v1/inbox")).json()) as {
      items: Array<{ jws: string }>;
    };
    expect(inbox.items.map((i) => i.jws)).toContain(jws);
    const file = await t.as("TH:DSDW", `/v1/attachments/${sha256}`);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
    await t.node.close();
    // The signature segment would be there verbatim if the JWS were stored as it is.
    const signature = jws.split(".")[2]!;
    const found = await filesContaining(t.dir, [
      ...markerForms(MARKER),
      ...markerForms(FILE_MARKER),
      signature,
    ]);
    expect(found).toEqual([]);
    // The control: the attachment file is there, and is not the uploaded bytes.
    expect((await stat(join(t.dir, "attachments", sha256))).size).toBeGreaterThan(bytes.length);
  });

  it("leaves the audit chain and the receipt verifiable, and reopens with the key file", async () => {
    const { t, jws, receipt } = await sendMarked();
    const nodeKey = publicJwkOf(t.keys.signing);
    expect((await verifyAudit(t.node.ctx.store, nodeKey)).ok).toBe(true);
    await t.node.close();
    const again = await diskNode(t.dir, t);
    const inbox = (await (await again.as("TH:DSDW", "/v1/inbox")).json()) as {
      items: Array<{ jws: string }>;
    };
    expect(inbox.items.map((i) => i.jws)).toContain(jws);
    expect(await checkReceipt(receipt, jws, t.keys)).toBe(fixture("referral.create").id);
    await again.node.close();
  });

  it("refuses to start without its data key, and with a key file others can read", async () => {
    const { t } = await sendMarked();
    await t.node.close();
    const { chmod, rename } = await import("node:fs/promises");
    await chmod(join(t.dir, "data-keys.json"), 0o644);
    await expect(diskNode(t.dir, t)).rejects.toThrow(/readable by others/);
    await chmod(join(t.dir, "data-keys.json"), 0o600);
    await rename(join(t.dir, "data-keys.json"), join(t.dir, "elsewhere.json"));
    // provideKeyFile would make a new key: a node whose file is gone must not silently get one.
    const { createNode, defaultConfig } = await import("../../src/index.js");
    const config = {
      ...defaultConfig("TH", { port: 0, sync: false }),
      dataKeyFile: "data-keys.json",
    };
    await expect(createNode({ config, keys: t.keys, dir: t.dir })).rejects.toThrow(
      /data key file .* is missing/,
    );
  });
});
