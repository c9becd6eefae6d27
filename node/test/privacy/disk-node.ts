import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSigner,
  digestOf,
  generateSigningKey,
  importPublicKey,
  publicJwkOf,
  verifyReceipt,
} from "@frx/spec";
import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  ManualClock,
  memoryLogger,
  provideKeyFile,
  registerParticipant,
  type NodeConfig,
} from "../../src/index.js";
import type { NodeKeys } from "../../src/config/keys.js";
import type { LevelStore } from "../../src/store/store.js";
import {
  FIXTURE_TIME,
  THAI_AGENCIES,
  withHelpers,
  type Agency,
  type TestNode,
} from "../harness.js";

/** A TH node on disk (level store, sealed attachment files, a data key file), as in production. */
export async function diskNode(
  dir?: string,
  previous?: { keys: NodeKeys; agencies: Map<string, Agency>; clock: ManualClock },
): Promise<TestNode & { dir: string; keys: NodeKeys }> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), "frx-dp-")));
  const config: NodeConfig = defaultConfig("TH", { port: 0, sync: false });
  await provideKeyFile(folder, config);
  const keys = previous?.keys ?? generateNodeKeys();
  const clock = previous?.clock ?? new ManualClock(FIXTURE_TIME);
  const logger = memoryLogger();
  const node = await createNode({ config, keys, dir: folder, clock, logger });
  const agencies = previous?.agencies ?? new Map<string, Agency>();
  if (!previous)
    for (const a of THAI_AGENCIES) {
      const { privateJwk, publicJwk } = generateSigningKey();
      await registerParticipant(node.ctx, { ...a, publicJwk });
      agencies.set(a.id, { id: a.id, privateJwk, signer: createSigner(privateJwk) });
    }
  return {
    ...withHelpers({
      node,
      clock,
      agencies,
      logger,
      db: (node.ctx.store as LevelStore).db,
      config,
    }),
    dir: folder,
    keys,
  };
}

/** Every file under `dir`, as bytes (the store's tables and logs, attachments, backups). */
export async function rawFiles(dir: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, bytes: await readFile(path) });
  }
  return out;
}

/** The marker as plain text and as base64url at each of the three alignments a JWS payload may put it. */
export function markerForms(marker: string): string[] {
  const forms = [marker];
  for (const pad of ["", "x", "xx"]) {
    const encoded = Buffer.from(pad + marker).toString("base64url");
    // Drop the characters the padding and the unaligned tail touch.
    forms.push(encoded.slice(pad.length === 0 ? 0 : pad.length + 1, -2));
  }
  return forms;
}

/** The files under `dir` whose bytes contain any of `needles`. */
export async function filesContaining(dir: string, needles: string[]): Promise<string[]> {
  return (await rawFiles(dir))
    .filter((f) => needles.some((n) => f.bytes.includes(Buffer.from(n))))
    .map((f) => f.path);
}

/** Verifies a receipt of the TH node for `jws`, as a sender would (FRX-RCPT-004); throws when it does not. */
export async function checkReceipt(receipt: string, jws: string, keys: NodeKeys): Promise<string> {
  const messageId = (
    JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString()) as { id: string }
  ).id;
  const verified = await verifyReceipt(
    receipt,
    { messageId, digest: digestOf(jws), node: "TH" },
    () => ({ key: importPublicKey(publicJwkOf(keys.signing)), owner: "TH" }),
  );
  return verified.messageId;
}

/** The records (`<aggregate>/<key>`) of the raw store whose stored JSON contains `needle`. */
export async function recordsContaining(t: TestNode, needle: string): Promise<string[]> {
  const out: string[] = [];
  for await (const [key, value] of (t.node.ctx.store as LevelStore).db.iterator({
    valueEncoding: "utf8",
  }))
    if (String(value).includes(needle)) out.push(String(key));
  return out;
}
