import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { reencrypt, rotateDataKey } from "../../src/privacy/rotation.js";
import { sealedKeyId } from "../../src/privacy/seal.js";
import { sealedFileKeyId } from "../../src/privacy/sealed-attachments.js";
import type { MessageRecord } from "../../src/store/records.js";
import { fixture } from "../harness.js";
import { diskNode } from "./disk-node.js";

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

describe("data key rotation (FRX-DP-003)", () => {
  it("makes a new key current while running, keeps the old one for reading, and re-encrypts everything", async () => {
    const t = await diskNode();
    dirs.push(t.dir);
    const bytes = Buffer.from("ledger for rotation");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await t.as("TH:DOE", `/v1/attachments/${sha256}`, {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: bytes,
    });
    const create = fixture("referral.create");
    const jws = t.sign(create);
    expect((await t.submit(jws)).status).toBe(201);
    const oldKey = t.node.ctx.dataKeys.currentId;
    const message = () => t.node.ctx.store.get<MessageRecord>("messages", create.id);

    const { current } = await rotateDataKey(t.node.ctx, "ops");
    expect(current).not.toBe(oldKey);
    // Old content still reads; new content uses the new key.
    const inbox = async () =>
      ((await (await t.as("TH:DSDW", "/v1/inbox")).json()) as { items: Array<{ jws: string }> })
        .items;
    expect((await inbox()).map((i) => i.jws)).toEqual([jws]);
    expect(sealedKeyId((await message())!.jws)).toBe(oldKey);
    const notify = fixture("case.notify");
    expect((await t.submit(t.sign({ ...notify, to: [{ participant: "TH:DSDW" }] }))).status).toBe(
      201,
    );
    expect(
      sealedKeyId((await t.node.ctx.store.get<MessageRecord>("messages", notify.id))!.jws),
    ).toBe(current);

    const moved = await reencrypt(t.node.ctx, "ops");
    expect(moved.records).toBeGreaterThanOrEqual(1);
    expect(moved.files).toBe(1);
    expect(sealedKeyId((await message())!.jws)).toBe(current);
    expect(sealedFileKeyId(await readFile(join(t.dir, "attachments", sha256)))).toBe(current);
    expect((await reencrypt(t.node.ctx, "ops")).records).toBe(0);

    // The key file holds both; after a restart everything reads with it.
    const file = JSON.parse(await readFile(join(t.dir, "data-keys.json"), "utf8")) as {
      current: string;
      keys: Array<{ id: string }>;
    };
    expect(file.current).toBe(current);
    expect(file.keys.map((k) => k.id).sort()).toEqual([current, oldKey].sort());
    await t.node.close();
    const again = await diskNode(t.dir, t);
    const file2 = await again.as("TH:DOE", `/v1/attachments/${sha256}`);
    expect(Buffer.from(await file2.arrayBuffer())).toEqual(bytes);
    await again.node.close();
  });
});
