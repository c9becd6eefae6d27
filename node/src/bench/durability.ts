import { join } from "node:path";
import { DATA_KEY_FILE, FileKeySource } from "../privacy/data-keys.js";
import { openEnvelope } from "../privacy/envelopes.js";
import { openLevel } from "../store/db.js";
import type { MessageRecord } from "../store/records.js";
import { LevelStore } from "../store/store.js";
import type { SignedEnvelope } from "./envelopes.js";

export interface DurabilityReport {
  /** Envelopes that got a 201 receipt. */
  receipted: number;
  /** Of those, found in the reopened store with the very JWS that was posted. */
  stored: number;
  lost: number;
  /** Every message record in the store, receipted in this run or not. */
  messagesInStore: number;
}

/**
 * Reopens a closed node's store and checks that every envelope it answered 201 for is there.
 *
 * @example const { lost } = await checkDurability(dir, envelopes, result.created)
 */
export async function checkDurability(
  dir: string,
  envelopes: SignedEnvelope[],
  created: number[],
): Promise<DurabilityReport> {
  // Stored envelopes are sealed with the node's data key (FRX-DP-001): open them to compare.
  const ring = await new FileKeySource(join(dir, DATA_KEY_FILE)).load();
  const store = new LevelStore(openLevel(join(dir, "store")));
  await store.open();
  try {
    let stored = 0;
    for (const i of created) {
      const envelope = envelopes[i]!;
      const record = await store.get<MessageRecord>("messages", envelope.id);
      if (openEnvelope(ring, envelope.id, record?.jws) === envelope.jws) stored++;
    }
    let messagesInStore = 0;
    for await (const _ of store.sub("messages").keys()) messagesInStore++;
    return { receipted: created.length, stored, lost: created.length - stored, messagesInStore };
  } finally {
    await store.close();
  }
}
