import { memberEntry } from "@frx/node";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createNode,
  defaultConfig,
  generateNodeKeys,
  MemoryAttachmentStore,
  MemoryKeySource,
  memoryLogger,
  registerParticipant,
  setParticipantStatus,
  type FrxNode,
  type NodeConfig,
} from "@frx/node";
import {
  createSigner,
  ownEntryProblems,
  publicJwkOf,
  signTrustList,
  trustListDigest,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import { MemoryLevel } from "memory-level";
import {
  configOverrides,
  KIT_FILES,
  makeKit,
  OperatorStepFailed,
  type OperatorHook,
  type Registration,
} from "../../src/index.js";
import { isFrxError } from "@frx/spec";
import { inProcessSteps } from "./reference-steps.js";

export interface Reference {
  node: FrxNode;
  url: string;
  kitDir: string;
  reportDir: string;
  /** The operator's steps at this node, as a certifier's --operator command would do them. */
  operator: OperatorHook;
  close(): Promise<void>;
}

export interface ReferenceOptions {
  /** Changes the configuration before the node is created (e.g. a backoff that never retries). */
  configure?(config: NodeConfig): void;
  /** Wraps the node's HTTP handler (e.g. a proxy that rewrites responses). */
  wrap?(fetch: FrxNode["app"]["fetch"], node: FrxNode): FrxNode["app"]["fetch"];
  /** Which steps of the kit's installation the operator skipped (for the pre-flight tests). */
  skip?: { agencies?: boolean; trustList?: boolean; overrides?: boolean };
}

/** A free loopback port for the harness peer node. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The reference node (TH) in process, set up as docs/certification.md tells an operator:
 * the kit's configuration overrides applied, its agencies registered (and CONF-OFF
 * disabled), the genesis trust list signed by the node, pinned and applied. Real HTTP on
 * 127.0.0.1, memory-level store.
 */
export async function startReference(o: ReferenceOptions = {}): Promise<Reference> {
  const kitDir = await mkdtemp(join(tmpdir(), "frx-conf-kit-"));
  const reportDir = await mkdtemp(join(tmpdir(), "frx-conf-report-"));
  const overrides = configOverrides() as Partial<NodeConfig> & {
    federation: Partial<NodeConfig["federation"]>;
  };
  const config = defaultConfig("TH", {
    port: 0,
    sync: false,
    ...(o.skip?.overrides ? {} : overrides),
    federation: overrides.federation,
  } as never);
  // The operator keeps the public holidays listed at least a year ahead (FRX-DL-004).
  config.calendar = {
    ...config.calendar,
    holidaysThrough: new Date(Date.now() + 2 * 366 * 86_400_000).toISOString().slice(0, 10),
  };
  o.configure?.(config);
  const keys = generateNodeKeys();
  const node = await createNode({
    config,
    keys,
    db: new MemoryLevel({ valueEncoding: "json" }) as never,
    attachments: new MemoryAttachmentStore(),
    dataKeys: new MemoryKeySource(),
    logger: memoryLogger(),
  });
  if (o.wrap) node.app.fetch = o.wrap(node.app.fetch.bind(node.app), node);
  const { url } = await node.start();
  config.publicUrl = url;
  await makeKit({
    out: kitDir,
    nodeId: "TH",
    nodeMember: memberEntry(
      config,
      keys,
      `${url}/federation/v1`,
      new Date(Date.now() - 60_000).toISOString(),
    ),
    peerUrl: `http://127.0.0.1:${await freePort()}`,
  });
  const registration = JSON.parse(
    await readFile(join(kitDir, KIT_FILES.registration), "utf8"),
  ) as Registration[];
  // The metrics token the kit's overrides set (FRX-ADM-013), as the operator merges them.
  const kitOverrides = JSON.parse(await readFile(join(kitDir, KIT_FILES.overrides), "utf8")) as {
    metricsToken?: string;
  };
  if (!o.skip?.overrides && kitOverrides.metricsToken)
    config.metricsToken = kitOverrides.metricsToken;
  for (const r of o.skip?.agencies ? [] : registration) {
    const { status, ...reg } = r;
    await registerParticipant(node.ctx, reg);
    if (status === "disabled") await setParticipantStatus(node.ctx, r.id, "disabled");
  }
  const proposal = JSON.parse(
    await readFile(join(kitDir, KIT_FILES.genesis), "utf8"),
  ) as SignedTrustList;
  const signed = signTrustList(proposal, createSigner(keys.signing));
  config.federation.genesisDigest = trustListDigest(signed);
  if (!o.skip?.trustList) await node.applyTrustList(signed);
  return {
    node,
    url,
    kitDir,
    reportDir,
    operator: {
      // As `frx-node trust sign` does: the node signs only a version whose entry for it is it.
      signTrustList(list) {
        const problems = ownEntryProblems(
          JSON.parse(Buffer.from(list.payload, "base64url").toString("utf8")) as Types.TrustList,
          {
            node: "TH",
            signingKey: publicJwkOf(keys.signing).x,
            otherSigningKeys: [],
            encryptionKey: keys.encryption.x,
          },
        );
        if (problems.length > 0) return Promise.reject(new OperatorStepFailed(problems.join("; ")));
        return Promise.resolve(signTrustList(list, createSigner(keys.signing)));
      },
      async applyTrustList(list) {
        try {
          await node.applyTrustList(list);
          return { applied: true };
        } catch (error) {
          if (!isFrxError(error)) throw error;
          return { applied: false, code: error.code, message: error.message };
        }
      },
      step: inProcessSteps(node),
    },
    async close() {
      await node.close();
      await rm(kitDir, { recursive: true, force: true });
      await rm(reportDir, { recursive: true, force: true });
    },
  };
}
