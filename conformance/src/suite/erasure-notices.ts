import {
  createSigner,
  generateSigningKey,
  signCompact,
  signNodeDocument,
  canonicalize,
  validateDocument,
  type PrivateJwk,
  type Types,
} from "@frx/spec";
import { check, holds, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { waitForInbox } from "../harness/inbox.js";
import { ulid } from "../harness/ulid.js";
import { SUSPENDED_NODE } from "../kit/agencies.js";
import { section } from "./define.js";
import { peerEnvelope, reply, sendAsPeer } from "./federation-support.js";

/**
 * Erasure notices a peer's node sends (spec/data-protection.md, "Delivering erasure notices"):
 * the harness peer XA opens a case with the node's labour inspectorate, then erases on request
 * at home and tells the node, with a notice signed by its node key
 * (schemas/documents/erasure-notice.json) at POST /federation/v1/erasure-notices.
 */
const t = section("data-protection/erasure-notices", "federation");
const TYP = "frx-erasure-notice+jws";
const ROUTE = "/federation/v1/erasure-notices";

type Cases = Types.ErasureNotice["cases"];

/** A notice from `origin` (XA unless said), signed with its node key (or `key`). */
function notice(h: Harness, cases: Cases, o: { origin?: string; key?: PrivateJwk } = {}): string {
  const origin = o.origin ?? h.kit.manifest.peer.node;
  const doc: Types.ErasureNotice = {
    frx: "1",
    kind: "erasure-notice",
    erasure: ulid(),
    origin,
    at: new Date().toISOString(),
    reason: "Conformance test: the worker asked the origin node to erase.",
    cases,
  };
  const key = o.key ?? h.kit.secrets.nodes[origin]!.signing;
  return signNodeDocument(doc, TYP, "documents/erasure-notice.json", createSigner(key));
}

const post = (h: Harness, jws: string) =>
  h.http.call("POST", ROUTE, { headers: { "content-type": "application/jose" }, body: jws });

/**
 * A case.notify from XA:PEER to LI in a fresh case of XA's, stored at the node and taken out of
 * LI's inbox again (so that its erasure leaves no item without content there): its case and id.
 */
async function peerCase(h: Harness): Promise<{ case: string; message: string }> {
  const jws = peerEnvelope(h);
  const { reply: r } = await reply(h, await sendAsPeer(h, { envelopes: [jws] }));
  same(r.results[0]?.status, "accepted", "the peer's case.notify");
  const id = h.idOf(jws);
  const item = await waitForInbox(h, "LI", (i) => i.messageId === id, "the peer's case.notify");
  const ack = await h.call("POST", "/v1/inbox/ack", {
    as: "LI",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ cursors: [item.cursor] }),
  });
  check(ack.status === 200, `acknowledging ${id} answered ${ack.status}`);
  return { case: String(h.payloadOf(jws).case), message: id };
}

/** The erasure the node answered with (api/erasure-notice-answer.json): the messages it erased. */
async function erasure(r: Awaited<ReturnType<typeof post>>, what: string): Promise<string[]> {
  check(r.status === 200, `${what}: expected 200, got ${r.status}: ${r.text.slice(0, 300)}`);
  const body = await holds(`${what}: the answer's schema`, () =>
    validateDocument<Types.ErasureNoticeAnswer>("api/erasure-notice-answer.json", r.json()),
  );
  return body.messages;
}

export const erasureNoticeTests = [
  t(
    "FRX-DP-015",
    async (h) => {
      const own = await peerCase(h);
      // A case of the node's own agencies only: XA has no party in it.
      const local = h.sign(h.envelope("case-notify-ok"));
      await h.accepted(local);
      const localCase = String(h.payloadOf(local).case);
      h.problem(
        await post(h, notice(h, [{ case: localCase, messages: [h.idOf(local)] }])),
        "dp.not-party",
      );
      // A message of another case named under XA's case.
      h.problem(
        await post(h, notice(h, [{ case: own.case, messages: [h.idOf(local)] }])),
        "dp.not-party",
      );
      h.problem(
        await post(
          h,
          notice(h, [{ case: own.case, messages: [own.message] }], {
            key: generateSigningKey().privateJwk,
          }),
        ),
        "jws.kid-unknown",
      );
      // Signed by XA, but not an erasure notice (no reason, no erasure id).
      const bare = signCompact(
        new TextEncoder().encode(
          canonicalize({ frx: "1", kind: "erasure-notice", origin: h.kit.manifest.peer.node }),
        ),
        TYP,
        createSigner(h.kit.secrets.nodes[h.kit.manifest.peer.node]!.signing),
      );
      h.problem(await post(h, bare), "request.malformed");
      same(
        await erasure(
          await post(h, notice(h, [{ case: own.case, messages: [own.message] }])),
          "a notice for XA's own case",
        ),
        [own.message],
        "the messages the node erased",
      );
    },
    { covers: ["FRX-DP-011"] },
  ),

  t("FRX-DP-016", async (h) => {
    const own = await peerCase(h);
    const cases = [{ case: own.case, messages: [own.message] }];
    const jws = notice(h, cases);
    same(await erasure(await post(h, jws), "the notice"), [own.message], "erased the first time");
    same(await erasure(await post(h, jws), "the same notice again"), [], "erased the second time");
    same(
      await erasure(await post(h, notice(h, cases)), "a second notice of the same messages"),
      [],
      "erased by a second notice",
    );
  }),

  t("FRX-DP-017", async (h) => {
    const own = await peerCase(h);
    // XB is in the trust list in force as suspended (the kit's genesis): its key verifies, its
    // status does not.
    h.problem(
      await post(
        h,
        notice(h, [{ case: own.case, messages: [own.message] }], { origin: SUSPENDED_NODE }),
      ),
      "trust.member-suspended",
    );
  }),
];
