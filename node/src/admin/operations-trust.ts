import {
  draftTrustList,
  findKey,
  FrxError,
  isFrxError,
  parseCanonicalObject,
  signTrustList,
  trustListDigest,
  validateDocument,
  verifyTrustList,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import { listChanges } from "../cli/trust-changes.js";
import { proposeTrustList } from "../cli/trust-proposal.js";
import { ownEntryProblems } from "../federation/own-entry.js";
import type { AdminOperation } from "./operation.js";

const strings = (v: unknown, name: string): string[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    throw new FrxError("request.malformed", `${name} must be a list of node codes`);
  return v as string[];
};

function listOf(signed: SignedTrustList): Types.TrustList {
  if (typeof signed?.payload !== "string" || !Array.isArray(signed.signatures))
    throw new FrxError("trust.list-invalid", "signed must be a trust list {payload, signatures}");
  try {
    return validateDocument<Types.TrustList>(
      "documents/trust-list.json",
      parseCanonicalObject(Buffer.from(signed.payload, "base64url")),
    );
  } catch (error) {
    throw new FrxError("trust.list-invalid", `not a trust list: ${(error as Error).message}`);
  }
}

/**
 * Trust-list proposals and signatures through the admin API: the node proposes the next
 * version of its list in force, and signs a proposal with its own key after the same checks
 * as `frx-node trust sign` (it must be in the electorate; its own entry must be itself).
 */
export const trustOperations: AdminOperation[] = [
  {
    name: "trust.propose",
    method: "POST",
    path: "/trust/proposals",
    changes: false,
    run: (node, input) => {
      const entries = (Array.isArray(input.members) ? input.members : []).map((m) =>
        validateDocument<Types.TrustListMember>("documents/trust-list.json#/$defs/member", m),
      );
      const days = input.expiresInDays === undefined ? 365 : Number(input.expiresInDays);
      if (!Number.isInteger(days) || days < 1 || days > 3650)
        throw new FrxError("request.malformed", "expiresInDays must be 1 to 3650");
      const t = node.ctx.trust.list;
      if (!t && entries.length === 0)
        throw new FrxError("request.malformed", "a genesis proposal needs members");
      const { list, notes, warnings } = proposeTrustList({
        ...(t ? { previous: { list: t.list, digest: t.digest } } : {}),
        entries,
        suspend: strings(input.suspend, "suspend"),
        remove: strings(input.remove, "remove"),
        ...(typeof input.quorum === "number" ? { quorum: input.quorum } : {}),
        days,
        issuedAt: node.ctx.clock
          .now()
          .toISOString()
          .replace(/\.\d{3}Z$/, "Z"),
      });
      const signed = draftTrustList(list);
      return Promise.resolve({ signed, digest: trustListDigest(signed), notes, warnings });
    },
  },
  {
    name: "trust.sign",
    method: "POST",
    path: "/trust/signatures",
    changes: true,
    run: async (node, input, actor) => {
      const { ctx } = node;
      const signed = input.signed as SignedTrustList;
      const list = listOf(signed);
      const previous = ctx.trust.list;
      const genesis = list.version === 1 && list.previousDigest === undefined;
      if (
        !genesis &&
        (!previous ||
          list.version !== previous.list.version + 1 ||
          list.previousDigest !== previous.digest)
      )
        throw new FrxError(
          "trust.list-invalid",
          `version ${list.version} does not follow the list in force`,
        );
      const electorate = (genesis ? list.members : previous!.list.members).filter(
        (m) => m.status === "active",
      );
      if (!findKey(electorate, ctx.signer.kid, list.issuedAt))
        throw new FrxError(
          "trust.member-unknown",
          `this node's key ${ctx.signer.kid} may not sign version ${list.version}`,
        );
      const problems = ownEntryProblems(list, ctx.config.node, ctx.keys);
      if (problems.length > 0)
        throw new FrxError(
          "trust.own-entry-mismatch",
          `this node's entry is not this node: ${problems.join("; ")}`,
        );
      const out = signTrustList(signed, ctx.signer);
      let quorum: string;
      try {
        const v = genesis
          ? verifyTrustList(out, { pinnedDigest: trustListDigest(out) })
          : verifyTrustList(out, { previous: previous! });
        quorum = `met: signed by ${v.signedBy.join(", ")}`;
      } catch (error) {
        if (!isFrxError(error, "trust.quorum-not-met")) throw error;
        quorum = `not yet met: ${error.message}`;
      }
      await ctx.serial.run(() =>
        ctx.store.commit(
          ctx.audit.append(ctx.clock.now().toISOString(), {
            kind: "admin",
            actor,
            detail: `trust list version ${list.version} signed (digest ${trustListDigest(out)})`,
          }),
        ),
      );
      return {
        signed: out,
        digest: trustListDigest(out),
        quorum,
        changes: previous ? listChanges(previous.list, list) : [],
      };
    },
  },
];
