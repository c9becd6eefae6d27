import type { Types } from "@frx/spec";
import { discover } from "../harness/discover.js";
import { Harness } from "../harness/harness.js";
import { Http } from "../harness/http.js";
import { loadKit, type Kit } from "../kit/load.js";
import { PeerNode } from "../peer/peer.js";

/**
 * Opens a run: reads the kit, discovers the node, starts the harness peer node at the
 * kit's peer URL. `close()` stops the peer and the HTTP pool.
 *
 * @example const s = await openSession({ nodeUrl, kitDir }); try { … } finally { await s.close() }
 */
export async function openSession(o: {
  nodeUrl: string;
  kitDir: string;
  /** The kit, when the caller has read it already. */
  kit?: Kit;
  timeoutMs?: number;
  maxBytes?: number;
}): Promise<{ harness: Harness; close(): Promise<void> }> {
  const kit = o.kit ?? (await loadKit(o.kitDir));
  const http = new Http(o.nodeUrl.replace(/\/$/, ""), o.timeoutMs, o.maxBytes);
  try {
    const node = await discover(http, kit.manifest.nodeId, kit.trustList);
    const trust: Types.TrustList = node.memberFromTrustList
      ? kit.trustList
      : { ...kit.trustList, members: [...kit.trustList.members, node.member] };
    const peer = new PeerNode(kit, trust);
    await peer.start();
    const harness = new Harness(http, kit, node, peer, trust);
    return {
      harness,
      async close() {
        await peer.stop();
        await http.close();
      },
    };
  } catch (error) {
    await http.close();
    throw error;
  }
}
