import {
  assertSignature,
  parseCanonicalObject,
  parseCompact,
  validateDocument,
  type Types,
} from "@frx/spec";
import { check, holds, same } from "../harness/check.js";
import { eventually } from "../harness/inbox.js";
import { section } from "./define.js";
import { deliveredToPeer, sendToPeer } from "./federation-support.js";
import { acknowledge, firstCursor, personInCase, servedToVs } from "./operator-erasure.js";
import { done } from "./operator-support.js";

/**
 * The erasure notice a node sends after erasing on request (spec/data-protection.md): a case
 * the harness peer's agency is a party to, two messages in it naming a fresh person, the
 * operator step erase-person, and what reaches the peer's POST /federation/v1/erasure-notices,
 * which first answers 503 once so that the node must try again.
 */
const t = section("data-protection/erasure-notices-out", "federation");
const TYP = "frx-erasure-notice+jws";

export const operatorErasureNoticeTests = [
  t(
    "FRX-DP-010",
    async (h) => {
      const { personRef, caseId, ids } = await personInCase(h);
      const from = await firstCursor(h, ids);
      // XA's agency becomes a party to the case: a case.notify naming nobody, sent across.
      const { id: across } = await sendToPeer(h, { case: caseId });
      await deliveredToPeer(h, across);
      const seen = h.peer.erasureNotices.length;
      h.peer.noticeFailures.push(503);
      try {
        const erasure = await done(
          h,
          { step: "erase-person", personRef, reason: "Conformance: the person's request" },
          `the erasure of ${personRef}`,
        );
        same(
          [...((erasure as { messages?: string[] }).messages ?? [])].sort(),
          [...ids].sort(),
          `the messages erased for ${personRef}`,
        );
        // FRX-DP-013: sent by POST, and again after the peer's 503, until the peer answers 200.
        const arrivals = await eventually(
          () => {
            const mine = h.peer.erasureNotices.slice(seen);
            return Promise.resolve(mine.some((n) => n.status === 200) ? mine : undefined);
          },
          "an erasure notice accepted by the harness peer after its 503",
          30_000,
          100,
        );
        same(
          arrivals.map((n) => n.status),
          [503, 200],
          "the answers the peer gave to the node's notice attempts",
        );
        same(arrivals[1]!.jws, arrivals[0]!.jws, "the notice sent again after the 503");
        for (const n of arrivals)
          same(n.contentType.split(";")[0], "application/jose", "the notice's Content-Type");
        const notice = await holds("the notice's signature, typ and schema", () => {
          const parsed = parseCompact(arrivals[1]!.jws, TYP);
          const key = h.nodeKey(parsed.header.kid);
          check(key, `kid ${parsed.header.kid} is no key of ${h.node.id} in the trust list`);
          assertSignature(parsed, key.key);
          return validateDocument<Types.ErasureNotice>(
            "documents/erasure-notice.json",
            parseCanonicalObject(parsed.payload),
          );
        });
        same(notice.origin, h.node.id, "the notice's origin");
        same(notice.erasure, (erasure as { id?: string }).id, "the notice's erasure id");
        const named = notice.cases.find((c) => c.case === caseId);
        check(named, `the notice names no case ${caseId}: ${JSON.stringify(notice.cases)}`);
        same([...named.messages].sort(), [...ids].sort(), "the messages the notice names");
        check(
          !notice.cases.some((c) => c.messages.includes(across)),
          `the notice names ${across}, which named nobody and was not erased`,
        );
      } finally {
        h.peer.noticeFailures.length = 0;
        await acknowledge(h, await servedToVs(h, ids, from));
      }
    },
    { covers: ["FRX-DP-013"] },
  ),
];
