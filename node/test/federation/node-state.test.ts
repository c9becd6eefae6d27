import { join } from "node:path";
import {
  createSigner,
  draftTrustList,
  signTrustList,
  trustListDigest,
  type Types,
} from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queuedTimelineOps } from "../../src/federation/outbox-store.js";
import { TrustState } from "../../src/federation/trust-state.js";
import {
  createNode,
  defaultConfig,
  MemoryAttachmentStore,
  memoryLogger,
  type FrxNode,
} from "../../src/index.js";
import { openLevel } from "../../src/store/db.js";
import type { CaseRecord } from "../../src/store/records.js";
import { thaiNode, withHelpers } from "../harness.js";
import { Cluster, type Member } from "./cluster.js";
import { notifyLa } from "./taps.js";
import type { LevelStore } from "../../src/store/store.js";

let cluster: Cluster;
let th: Member;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  th = cluster.get("TH");
});
afterEach(async () => cluster.close());

/** TH's data folder opened again by a node that is created but not started, as the CLI does. */
async function offlineTh(genesisDigest: string | null): Promise<FrxNode> {
  await cluster.stop("TH");
  const config = defaultConfig("TH", { port: 0, sync: true });
  config.federation = { ...config.federation, genesisDigest };
  return createNode({
    config,
    keys: th.keys,
    db: openLevel(join(th.dir, "store")),
    attachments: new MemoryAttachmentStore(),
    clock: th.clock,
    logger: memoryLogger(),
  });
}

describe("node metadata (FRX-FED-002)", () => {
  it("publishes the endpoint and keys its trust list entry gives it", async () => {
    const entry = cluster.trustList.members.find((m) => m.node === "TH")!;
    const { metadata } = (await (await fetch(`${th.url}/.well-known/frx-node`)).json()) as {
      metadata: Types.NodeMetadata;
    };
    expect(metadata.signingKeys).toEqual(entry.signingKeys);
    expect(metadata.endpoints.federation).toBe(entry.endpoint);
    expect(metadata.encryptionKey).toEqual(entry.encryptionKey);
  });

  it("without a trust list, publishes its current key valid from now, not from a fixed date", async () => {
    const bare = await thaiNode();
    try {
      const { metadata } = (await (
        await bare.node.app.request("/.well-known/frx-node")
      ).json()) as {
        metadata: Types.NodeMetadata;
      };
      expect(metadata.signingKeys).toEqual([
        expect.objectContaining({
          status: "current",
          notBefore: bare.clock.now().toISOString(),
        }),
      ]);
    } finally {
      await bare.node.close();
    }
  });
});

describe("trust list state of a node that is not running", () => {
  it("applying a list to a node that was not started starts no delivery", async () => {
    const la = cluster.get("LA");
    await th.node.ctx.peers.ensure("LA");
    const offline = await offlineTh(trustListDigest(cluster.trust));
    try {
      const node = withHelpers({
        node: offline,
        clock: th.clock,
        agencies: th.agencies,
        logger: memoryLogger(),
        db: (offline.ctx.store as LevelStore).db,
        config: offline.ctx.config,
      });
      expect((await node.submit(node.sign(notifyLa(1)))).status).toBe(201);
      const next: Types.TrustList = {
        ...cluster.trustList,
        version: 2,
        previousDigest: trustListDigest(cluster.trust),
      };
      const signed = [th, la].reduce(
        (s, m) => signTrustList(s, createSigner(m.keys.signing)),
        draftTrustList(next),
      );
      const applied = await offline.applyTrustList(signed);
      expect(applied.list.version).toBe(2);
      expect(offline.ctx.outbox.status()).toEqual({});
      expect(await offline.ctx.store.range("outbox")).not.toEqual([]);
    } finally {
      await offline.close();
    }
  });

  it("with lists stored but no genesis digest pinned, loads with federation off and says why", async () => {
    const logger = memoryLogger();
    const state = new TrustState(th.node.ctx.store, th.clock, () => null, logger);
    await state.load();
    expect(state.list).toBeNull();
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "error", event: "trust.genesis-pin-missing" }),
    );

    const offline = await offlineTh(null);
    try {
      expect(offline.ctx.trust.list).toBeNull();
      expect(offline.ctx.trust.status(0)).toEqual({ state: "absent" });
    } finally {
      await offline.close();
    }
  });
});

describe("the case timeline of an envelope queued for peers", () => {
  it("queuedTimelineOps adds one 'queued for <peer>' line per peer after the state change's own", async () => {
    const ctx = th.node.ctx;
    const env = notifyLa(2);
    expect((await th.submit(th.sign(env))).status).toBe(201);
    const before = (await ctx.store.get<CaseRecord>("cases", env.case!))!;
    const at = ctx.clock.now().toISOString();
    await ctx.store.commit(queuedTimelineOps(ctx, before, ["LA", "KH"], env.id, at));
    const after = (await ctx.store.get<CaseRecord>("cases", env.case!))!;
    expect(after.timelineLength).toBe(before.timelineLength + 2);
    const lines = (await ctx.store.range<{ note?: string }>("timeline", { gte: `${env.case}!` }))
      .map(([, v]) => v.note)
      .slice(-2);
    expect(lines).toEqual(["queued for LA", "queued for KH"]);
  });
});
