import { calendarCoverage } from "../domain/calendar-publish.js";
import { writeFile, rename } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { writeBackup } from "../cli/backup-write.js";
import { anchorOf } from "../domain/audit-anchor.js";
import {
  FrxError,
  generateSigningKey,
  publicJwkOf,
  trustListDigest,
  verifyTrustList,
  type SignedTrustList,
} from "@frx/spec";
import { nodePublicKeys, type NodeKeys } from "../config/keys.js";
import { verifyAudit } from "../domain/audit.js";
import type { FrxNode } from "../node.js";
import type { AdminOperation } from "./operation.js";
import {
  listDeadLetters,
  overdueDeadlines,
  peerStatuses,
  settleDeadLetter,
} from "./outbox-status.js";
import { pinTrustAnchor } from "./trust-pin.js";
import { LevelStore } from "../store/store.js";

const text = (v: unknown, name: string): string => {
  if (typeof v !== "string" || v.length === 0)
    throw new FrxError("request.malformed", `${name} must be a non-empty string`);
  return v;
};

/** Writes node-keys.json whole (mode 0600) so a crash leaves the old file or the new one. */
async function saveNodeKeys(node: FrxNode, keys: NodeKeys): Promise<void> {
  if (!node.dir) return;
  const path = join(node.dir, "node-keys.json");
  await writeFile(`${path}.tmp`, JSON.stringify(keys, null, 2) + "\n", { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

function trustView(node: FrxNode) {
  const t = node.ctx.trust.list;
  const status = node.ctx.trust.status(node.ctx.config.federation.warnBeforeExpiryMs);
  if (!t) return { state: status.state, pinnedDigest: node.ctx.config.federation.genesisDigest };
  return {
    ...status,
    digest: t.digest,
    quorum: t.list.quorum,
    issuedAt: t.list.issuedAt,
    signedBy: t.signedBy,
    members: t.list.members.map((m) => ({
      node: m.node,
      name: m.name,
      endpoint: m.endpoint,
      status: m.status,
      signingKeys: m.signingKeys.map((k) => ({ kid: k.jwk.kid, status: k.status })),
    })),
  };
}

/** The list in force as the CLI prints it after applying. */
function applied(node: FrxNode) {
  const t = node.ctx.trust.list!;
  return { signed: t.signed, digest: t.digest, signedBy: t.signedBy, self: node.ctx.config.node };
}

export const federationOperations: AdminOperation[] = [
  {
    name: "backup",
    method: "POST",
    path: "/backup",
    changes: true,
    run: async (node, input, actor) => {
      const out = text(input.out, "out");
      if (!isAbsolute(out))
        throw new FrxError(
          "request.malformed",
          "out must be an absolute path on the node's machine",
        );
      if (!node.dir)
        throw new FrxError("request.malformed", "this node has no data folder to back up");
      if (!(node.ctx.store instanceof LevelStore))
        throw new FrxError(
          "request.malformed",
          "this node's store is in PostgreSQL: back it up with pg_dump or pg_basebackup",
        );
      const counts = await writeBackup(node, node.dir, out, input.includeKeys === true);
      await node.ctx.serial.run(() =>
        node.ctx.store.commit(
          node.ctx.audit.append(node.ctx.clock.now().toISOString(), {
            kind: "admin",
            actor,
            detail: `backup written to ${out}${input.includeKeys === true ? " (node keys included)" : ""}`,
          }),
        ),
      );
      return { node: node.ctx.config.node, counts };
    },
  },
  {
    name: "health",
    method: "GET",
    path: "/health",
    changes: false,
    run: (node) => {
      const { ctx } = node;
      return Promise.resolve({
        node: ctx.config.node,
        storeOpen: ctx.store.isOpen,
        signingKey: ctx.signer.kid,
        auditEntries: ctx.audit.length,
        trustList: ctx.trust.status(ctx.config.federation.warnBeforeExpiryMs),
        // How far ahead the published holidays reach (FRX-DL-004).
        calendar: calendarCoverage(ctx.config.calendar, ctx.clock.now()),
      });
    },
  },
  {
    name: "trust.show",
    method: "GET",
    path: "/trust",
    changes: false,
    run: (n) => Promise.resolve(trustView(n)),
  },
  {
    name: "trust.apply",
    method: "POST",
    path: "/trust",
    changes: true,
    run: async (node, input, actor) => {
      const signed = input.signed as SignedTrustList;
      const digest = trustListDigest(signed);
      const pinnedBefore = node.ctx.config.federation.genesisDigest;
      if (node.ctx.trust.list?.digest === digest)
        return { ...applied(node), already: true, pinnedNow: false };
      if (input.pin === true && !node.ctx.trust.list) {
        // Verify before pinning, so a list that fails leaves config.json as it was (FRX-TRUST-030).
        verifyTrustList(signed, { pinnedDigest: digest });
        await pinTrustAnchor(node, digest);
      }
      await node.applyTrustList(signed, actor);
      return {
        ...applied(node),
        already: false,
        pinnedNow: pinnedBefore !== digest && input.pin === true,
      };
    },
  },
  {
    name: "trust.signed",
    method: "GET",
    path: "/trust/signed",
    changes: false,
    run: (node) => {
      const t = node.ctx.trust.list;
      const { state } = node.ctx.trust.status(node.ctx.config.federation.warnBeforeExpiryMs);
      return Promise.resolve(
        t ? { state, signed: t.signed, digest: t.digest, signedBy: t.signedBy } : { state },
      );
    },
  },
  { name: "peers", method: "GET", path: "/peers", changes: false, run: (n) => peerStatuses(n.ctx) },
  {
    name: "dead-letter.list",
    method: "GET",
    path: "/dead-letters",
    changes: false,
    run: (n) => listDeadLetters(n.ctx),
  },
  ...(["retry", "discard"] as const).map((action): AdminOperation => ({
    name: `dead-letter.${action}`,
    method: "POST",
    path: `/dead-letters/:peer/:messageId/${action}`,
    changes: true,
    run: async (node, input, actor) => {
      await settleDeadLetter(
        node.ctx,
        text(input.peer, "peer"),
        text(input.messageId, "messageId"),
        action,
        actor,
      );
      return { ok: true };
    },
  })),
  {
    name: "deadlines.overdue",
    method: "GET",
    path: "/deadlines/overdue",
    changes: false,
    run: (n) => overdueDeadlines(n.ctx),
  },
  {
    name: "audit.verify",
    // POST: the body may carry an anchor kept elsewhere ({anchor}); nothing changes.
    method: "POST",
    path: "/audit/verify",
    changes: false,
    run: async ({ ctx }, input) => {
      const key = nodePublicKeys(ctx.keys).signing;
      const anchor = input.anchor === undefined ? undefined : anchorOf(input.anchor, "anchor");
      // Checkpoints signed before a node key rotation verify with the retired key.
      const report = await verifyAudit(ctx.store, [key, ...(ctx.keys.retired ?? [])], anchor);
      return { ...report, kid: key.kid };
    },
  },
  {
    name: "node.prepare-key",
    method: "POST",
    path: "/node/keys/next",
    changes: true,
    run: async (node, _input, actor) => {
      const { privateJwk } = generateSigningKey();
      node.prepareSigningKey(privateJwk);
      await saveNodeKeys(node, node.ctx.keys);
      await node.ctx.serial.run(() =>
        node.ctx.store.commit(
          node.ctx.audit.append(node.ctx.clock.now().toISOString(), {
            kind: "admin",
            actor,
            detail: `next node signing key ${privateJwk.kid} prepared`,
          }),
        ),
      );
      return { next: publicJwkOf(privateJwk) };
    },
  },
  {
    name: "node.rotate-key",
    method: "POST",
    path: "/node/keys/rotate",
    changes: true,
    run: async (node, _input, actor) => {
      const next = node.ctx.keys.next;
      if (!next)
        throw new FrxError(
          "request.malformed",
          "no next key is held: prepare one first (node.prepare-key)",
        );
      const entry = node.ctx.trust.member(node.ctx.config.node);
      if (node.ctx.trust.list && !entry?.signingKeys.some((k) => k.jwk.kid === next.kid))
        throw new FrxError(
          "trust.own-entry-mismatch",
          `the trust list in force does not list key ${next.kid} for ${node.ctx.config.node}: apply a version that does first (FRX-TRUST-024)`,
        );
      const old = node.ctx.signer.kid;
      node.rotateSigningKey(next);
      await saveNodeKeys(node, node.ctx.keys);
      await node.ctx.serial.run(() =>
        node.ctx.store.commit(
          node.ctx.audit.append(node.ctx.clock.now().toISOString(), {
            kind: "admin",
            actor,
            detail: `node signing key rotated to ${next.kid}; ${old} retired`,
          }),
        ),
      );
      return { signingKey: next.kid, retired: (node.ctx.keys.retired ?? []).map((k) => k.kid) };
    },
  },
];
