import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FrxError } from "@frx/spec";
import { defaultConfig } from "../config/config.js";
import type { FrxNode } from "../node.js";

/**
 * Pins the digest of the first trust list this node takes (the genesis, or the version it
 * joins at, FRX-TRUST-030) in DIR/config.json and in the running configuration. Refuses to
 * change a pin already set.
 */
export async function pinTrustAnchor(node: FrxNode, digest: string): Promise<void> {
  const pinned = node.ctx.config.federation.genesisDigest;
  if (pinned === digest) return;
  if (pinned !== null)
    throw new FrxError(
      "trust.quorum-not-met",
      `this node has pinned digest ${pinned}, and the list has digest ${digest}: refusing to change the pin`,
    );
  if (node.dir) {
    const path = join(node.dir, "config.json");
    const raw = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown> & {
      node: string;
      federation?: Record<string, unknown>;
    };
    raw.federation = { ...raw.federation, genesisDigest: digest };
    defaultConfig(raw.node, raw as Parameters<typeof defaultConfig>[1]);
    await writeFile(`${path}.tmp`, JSON.stringify(raw, null, 2) + "\n", { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  }
  node.ctx.config.federation.genesisDigest = digest;
}
