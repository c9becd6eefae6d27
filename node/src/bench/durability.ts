import { join } from "node:path";
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
  const store = new LevelStore(openLevel(join(dir, "store")));
  await store.open();
  try {
    let stored = 0;
    for (const i of created) {
      const envelope = envelopes[i]!;
      const record = await store.get<MessageRecord>("messages", envelope.id);
      if (record?.jws === envelope.jws) stored++;
    }
    let messagesInStore = 0;
    for await (const _ of store.sub("messages").keys()) messagesInStore++;
    return { receipted: created.length, stored, lost: created.length - stored, messagesInStore };
  } finally {
    await store.close();
  }
}
