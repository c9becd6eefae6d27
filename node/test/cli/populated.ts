import { createHash, randomBytes } from "node:crypto";
import { createSigner, generateSigningKey } from "@frx/spec";
import { createNode } from "../../src/node.js";
import { readConfig } from "../../src/config/config.js";
import { readNodeKeys } from "../../src/config/keys.js";
import { registerParticipant } from "../../src/admin/participants.js";
import { ManualClock } from "../../src/runtime/clock.js";
import { memoryLogger } from "../../src/runtime/logger.js";
import { fixture, FIXTURE_TIME, THAI_AGENCIES, withHelpers, type Agency } from "../harness.js";
import type { LevelStore } from "../../src/store/store.js";

/**
 * Fills the node at `dir` the way real traffic would: the Thai agencies, a referral through
 * the pipeline, and an attachment bigger than one backup chunk. Returns the attachment.
 */
export async function populate(dir: string): Promise<{ sha256: string; bytes: Buffer }> {
  const config = await readConfig(dir);
  const keys = await readNodeKeys(dir);
  const clock = new ManualClock(FIXTURE_TIME);
  const logger = memoryLogger();
  const node = await createNode({ config, keys, dir, clock, logger });
  try {
    const agencies = new Map<string, Agency>();
    for (const a of THAI_AGENCIES) {
      const { privateJwk, publicJwk } = generateSigningKey();
      await registerParticipant(node.ctx, { ...a, publicJwk });
      agencies.set(a.id, { id: a.id, privateJwk, signer: createSigner(privateJwk) });
    }
    const t = withHelpers({
      node,
      clock,
      agencies,
      logger,
      db: (node.ctx.store as LevelStore).db,
      config,
    });
    const sent = await t.submit(t.sign(fixture("referral.create")));
    if (sent.status !== 201) throw new Error(`referral refused: ${await sent.text()}`);
    const bytes = randomBytes(2 * 1024 * 1024 + 123);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const put = await t.as("TH:DOE", `/v1/attachments/${sha256}`, {
      method: "PUT",
      headers: { "content-type": "application/pdf" },
      body: bytes,
    });
    if (put.status !== 201) throw new Error(`attachment refused: ${await put.text()}`);
    return { sha256, bytes };
  } finally {
    await node.close();
  }
}
