import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isFrxError } from "@frx/spec";
import { reencrypt, retireDataKey, rotateDataKey } from "../../src/privacy/rotation.js";
import { envelopeAad } from "../../src/privacy/envelopes.js";
import { sealedKeyId, unseal } from "../../src/privacy/seal.js";
import { openFile, sealedFileKeyId } from "../../src/privacy/sealed-attachments.js";
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

  it("retires an old key only once nothing stored is sealed with it; copies made under it no longer open", async () => {
    const t = await diskNode();
    dirs.push(t.dir);
    const bytes = Buffer.from("ledger for retirement");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await t.as("TH:DOE", `/v1/attachments/${sha256}`, {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: bytes,
    });
    const create = fixture("referral.create");
    expect((await t.submit(t.sign(create))).status).toBe(201);
    const oldKey = t.node.ctx.dataKeys.currentId;
    // What a backup or a snapshot taken now holds: the record and the file sealed with oldKey.
    const oldRecord = (await t.node.ctx.store.get<MessageRecord>("messages", create.id))!.jws;
    const oldFile = await readFile(join(t.dir, "attachments", sha256));
    const refusal = (id: string) =>
      retireDataKey(t.node.ctx, id, "ops").then(
        () => "retired",
        (e: unknown) => (isFrxError(e) ? `${e.code}: ${e.message}` : String(e)),
      );

    expect(await refusal(oldKey)).toMatch(/^dp\.key-in-use: .* current key/);
    const { current } = await rotateDataKey(t.node.ctx, "ops");
    expect(await refusal(oldKey)).toMatch(/^dp\.key-in-use: .*1 stored record.*1 attachment file/);
    expect(await refusal("dk-20260101-00000000")).toMatch(/^request\.not-found/);

    await reencrypt(t.node.ctx, "ops");
    expect(await retireDataKey(t.node.ctx, oldKey, "ops")).toEqual({
      current,
      held: [current],
    });
    const file = JSON.parse(await readFile(join(t.dir, "data-keys.json"), "utf8")) as {
      keys: Array<{ id: string }>;
    };
    expect(file.keys.map((k) => k.id)).toEqual([current]);
    expect(() => unseal(t.node.ctx.dataKeys, oldRecord, envelopeAad(create.id))).toThrow(
      /does not hold/,
    );
    expect(() => openFile(t.node.ctx.dataKeys, sha256, oldFile)).toThrow(/does not hold/);

    // The node reads everything it stores under the current key, after a restart too.
    await t.node.close();
    const again = await diskNode(t.dir, t);
    const inbox = (await (await again.as("TH:DSDW", "/v1/inbox")).json()) as {
      items: Array<{ messageId: string; jws: string }>;
    };
    expect(inbox.items.map((i) => i.messageId)).toEqual([create.id]);
    const read = await again.as("TH:DOE", `/v1/attachments/${sha256}`);
    expect(Buffer.from(await read.arrayBuffer())).toEqual(bytes);
    await again.node.close();
  });
});
