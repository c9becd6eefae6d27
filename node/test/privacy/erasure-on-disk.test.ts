import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeBackup } from "../../src/cli/backup-write.js";
import { runRetention } from "../../src/privacy/retention.js";
import { eraseByPerson } from "../../src/privacy/request.js";
import type { MessageRecord } from "../../src/store/records.js";
import { fixture } from "../harness.js";
import { diskNode, rawFiles } from "./disk-node.js";

const DAY = 86_400_000;
const PERSON = "pp_QJWVRQp7JjKp9wkOTRZBE4ok";

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

/**
 * The sealed envelope as 16-character pieces of its ciphertext. LevelDB compresses its table
 * files, which may break a long string; a piece of random base64url survives whole.
 */
function pieces(sealed: string): string[] {
  const ciphertext = sealed.split(":")[4]!;
  const out: string[] = [];
  for (let i = 0; i + 16 <= ciphertext.length; i += 16) out.push(ciphertext.slice(i, i + 16));
  return out;
}

/** How many of `needles` occur in any file under `dir`. */
async function found(dir: string, needles: string[]): Promise<number> {
  const files = await rawFiles(dir);
  return needles.filter((n) => files.some((f) => f.bytes.includes(Buffer.from(n)))).length;
}

/** A T2 referral naming PERSON, declined so that its case is closed; its sealed record. */
async function storedReferral() {
  const t = await diskNode();
  dirs.push(t.dir);
  const create = fixture("referral.create");
  expect((await t.submit(t.sign(create))).status).toBe(201);
  const decline = Object.assign(fixture("referral.decline"), {
    from: "TH:DSDW",
    to: [{ participant: "TH:DOE" }],
    case: create.case,
    referral: create.referral,
    sequence: 2,
  });
  expect((await t.submit(t.sign(decline))).status).toBe(201);
  const sealed = (await t.node.ctx.store.get<MessageRecord>("messages", create.id))!.jws;
  expect(sealed).toMatch(/^frx-sealed:1:/);
  const needles = pieces(sealed);
  expect(needles.length).toBeGreaterThan(20);
  // The control: before erasure the store's own files hold the ciphertext, and the search finds it.
  expect(await found(join(t.dir, "store"), needles)).toBe(needles.length);
  return { t, create, needles, closedAt: t.clock.now().getTime() };
}

describe("erasure reaches the store's files and the backups taken afterwards (FRX-DP-018)", () => {
  it("leaves no piece of the erased ciphertext in the raw store, a copy of it, or a backup, after the retention job", async () => {
    const { t, create, needles, closedAt } = await storedReferral();
    t.clock.set(new Date(closedAt + 1827 * DAY));
    const run = await runRetention(t.node.ctx, { dryRun: false, actor: "retention" });
    expect(run.erasure?.messages).toEqual([create.id]);

    expect(await found(join(t.dir, "store"), needles)).toBe(0);
    // A copy of the store's files, as an OS-level backup would take it, while the node runs.
    const copy = await mkdtemp(join(tmpdir(), "frx-dp-copy-"));
    dirs.push(copy);
    await cp(join(t.dir, "store"), copy, { recursive: true });
    expect(await found(copy, needles)).toBe(0);
    // frx-node backup, from the running node.
    await writeFile(join(t.dir, "config.json"), JSON.stringify(t.config));
    await writeFile(join(t.dir, "node-keys.json"), JSON.stringify(t.keys));
    const out = join(copy, "after.frxbak");
    await writeBackup(t.node, t.dir, out, false);
    const backup = await readFile(out);
    expect(backup.includes(Buffer.from(create.id))).toBe(true);
    expect(needles.filter((n) => backup.includes(Buffer.from(n)))).toEqual([]);

    // The node still reads its store after the compaction, and after a restart.
    expect((await t.node.ctx.store.get<MessageRecord>("messages", create.id))!.jws).toBe("");
    await t.node.close();
    const again = await diskNode(t.dir, t);
    expect((await again.node.ctx.store.get<MessageRecord>("messages", create.id))!.erased).toEqual(
      expect.objectContaining({ reason: "retention" }),
    );
    await again.node.close();
    expect(await found(join(t.dir, "store"), needles)).toBe(0);
  });

  it("leaves no piece of it in the raw store after an erasure on request", async () => {
    const { t, create, needles } = await storedReferral();
    const record = await eraseByPerson(t.node.ctx, PERSON, "the worker asked", "dpo");
    expect(record.messages).toContain(create.id);
    expect(await found(join(t.dir, "store"), needles)).toBe(0);
    await t.node.close();
  });
});
