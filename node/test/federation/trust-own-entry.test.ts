import { createSigner, draftTrustList, signTrustList, trustListDigest } from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNode, generateNodeKeys, MemoryAttachmentStore } from "../../src/index.js";
import { openLevel } from "../../src/store/db.js";
import { join } from "node:path";
import { Cluster, type Member } from "./cluster.js";
import { testDataKeys } from "../harness.js";

let cluster: Cluster;
let th: Member;
let la: Member;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA", "KH"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
});
afterEach(async () => cluster.close());

/** Version 2 with LA's entry given the attacker's keys and endpoint, signed by TH and KH (quorum 2 of 3). */
function hijackedLa(attacker = generateNodeKeys()) {
  const attackerEntry = cluster.trustList.members.find((m) => m.node === "LA")!;
  const ed = createSigner(attacker.signing);
  const next = {
    ...structuredClone(cluster.trustList),
    version: 2,
    previousDigest: trustListDigest(cluster.trust),
    members: cluster.trustList.members.map((m) =>
      m.node !== "LA"
        ? m
        : {
            ...attackerEntry,
            endpoint: "http://127.0.0.1:9/federation/v1",
            signingKeys: [
              {
                jwk: {
                  kty: "OKP" as const,
                  crv: "Ed25519" as const,
                  x: attacker.signing.x,
                  kid: ed.kid,
                  use: "sig" as const,
                },
                status: "current" as const,
                notBefore: "2025-01-01T00:00:00Z",
              },
            ],
            encryptionKey: { ...attackerEntry.encryptionKey, x: attacker.encryption.x },
          },
    ),
  };
  return ["TH", "KH"].reduce(
    (s, cc) => signTrustList(s, createSigner(cluster.get(cc).keys.signing)),
    draftTrustList(next),
  );
}

describe("a node's own trust-list entry", () => {
  it("FRX-TRUST-029: a node refuses to apply a version that gives its entry keys it does not hold", async () => {
    const signed = hijackedLa();
    await expect(la.node.applyTrustList(signed)).rejects.toMatchObject({
      code: "trust.own-entry-mismatch",
    });
    expect(la.node.ctx.trust.list?.list.version).toBe(1);
  });

  it("FRX-TRUST-029: a node refuses to start when the list in force gives it keys it does not hold", async () => {
    await la.node.close();
    // LA's store holds the genesis list; a node started there with other keys is not LA.
    const impostor = createNode({
      config: la.config,
      keys: generateNodeKeys(),
      db: openLevel(join(la.dir, "store")),
      attachments: new MemoryAttachmentStore(),
      dataKeys: testDataKeys,
      clock: la.clock,
      logger: la.logger,
    });
    await expect(impostor).rejects.toMatchObject({ code: "trust.own-entry-mismatch" });
  });

  it("FRX-TRUST-009: a node refuses a version issued beyond the skew, so it cannot freeze the federation", async () => {
    const now = th.clock.now().getTime();
    const ahead = new Date(now + 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    const next = {
      ...structuredClone(cluster.trustList),
      version: 2,
      issuedAt: ahead,
      previousDigest: trustListDigest(cluster.trust),
    };
    const signed = ["TH", "LA"].reduce(
      (s, cc) => signTrustList(s, createSigner(cluster.get(cc).keys.signing)),
      draftTrustList(next),
    );
    await expect(th.node.applyTrustList(signed)).rejects.toMatchObject({
      code: "trust.list-invalid",
    });
    expect(th.node.ctx.trust.list?.list.version).toBe(1);
  });
});
