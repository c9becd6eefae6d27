import { MessageType, verifyEnvelope } from "@frx/spec";
import { check, holds, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { eventually, inboxItems } from "../harness/inbox.js";
import { ulid } from "../harness/ulid.js";
import { PEER_AGENCY } from "../kit/agencies.js";
import { section } from "./define.js";
import { reply, sendAsPeer } from "./federation-support.js";

const t = section("federation/deadlines", "federation");
const HINT = " (did the operator apply the kit's config-overrides.json?)";

interface Notice {
  jws: string;
  type: string;
  from: string;
  to: Array<{ participant?: string }>;
  referral?: string;
  body: { deadline?: string; level?: number; escalatedTo?: Array<{ participant?: string }> };
}

interface Outcome {
  /** The referral the harness peer's agency sent the node (the node is authoritative). */
  inbound: string;
  level1: Notice;
  /** Deadline notices the node sent about its own agency's referral to the peer. */
  outboundNotices: string[];
  /** The node's answer to the peer's own (forged) escalation of the inbound referral. */
  forged: { status: string; code?: string };
}

const payload = (jws: string) =>
  JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString("utf8")) as Omit<Notice, "jws">;

/**
 * One background scenario: the peer's agency refers a risk_to_life case to VS (the node under
 * test is authoritative) and leaves it unanswered; LI refers one to the peer's agency (the
 * peer is authoritative). The node must escalate the first to the referrer abroad through its
 * outbox, run nothing for the second, and refuse the peer's own notice about the first.
 */
async function scenario(h: Harness): Promise<Outcome> {
  const create = h.envelope("peer-referral-create-ok");
  const sent = await reply(h, await sendAsPeer(h, { envelopes: [h.sign(create)] }));
  same(
    sent.reply.results.map((r) => r.status),
    ["accepted"],
    "the peer's referral.create",
  );
  const outbound = h.envelope("outbound-referral-create-ok", {
    body: { ...h.envelope("outbound-referral-create-ok").body, urgency: "risk_to_life" },
  });
  await h.accepted(h.sign(outbound));
  const forgedJws = h.sign(
    h.envelope("deadline-overdue-forged-fail", {
      from: `${h.peer.node}:NODE`,
      to: [{ participant: h.id("VS") }],
      case: create.case,
      referral: create.referral,
      body: { deadline: "acknowledge", dueAt: new Date().toISOString(), level: 2 },
    }),
    h.kit.secrets.nodes[h.peer.node]!.signing,
  );
  const forged = (await reply(h, await sendAsPeer(h, { envelopes: [forgedJws] }))).reply
    .results[0]!;
  const level1 = await eventually(
    () =>
      Promise.resolve(
        h.peer
          .envelopes()
          .map((e) => ({ jws: e.jws, ...payload(e.jws) }))
          .find(
            (n) =>
              n.type === MessageType.DeadlineOverdue &&
              n.referral === create.referral &&
              n.body.level === 1,
          ),
      ),
    `the node's level-1 escalation of the peer's referral, at the peer${HINT}`,
    20_000,
  );
  // The outbound referral's own deadlines would have fallen as long ago.
  await new Promise((r) => setTimeout(r, 1_500));
  const outboundNotices = (
    await inboxItems(h, "LI", (i) => i.envelope.referral === outbound.referral)
  )
    .filter((i) => i.envelope.type.startsWith("deadline."))
    .map((i) => i.envelope.type);
  return {
    inbound: create.referral!,
    level1,
    outboundNotices,
    forged: { status: forged.status, ...(forged.code ? { code: forged.code } : {}) },
  };
}

const prepare = (h: Harness) => void h.scenario("deadlines-federation", () => scenario(h));
const outcome = (h: Harness) => h.scenario("deadlines-federation", () => scenario(h));

export const federationDeadlineTests = [
  t(
    "FRX-DL-006/abroad",
    async (h) => {
      const o = await outcome(h);
      same(o.level1.from, `${h.node.id}:NODE`, "the escalation's from");
      check(
        o.level1.to.some((a) => a.participant === PEER_AGENCY),
        `the escalation is not addressed to the referrer abroad: ${JSON.stringify(o.level1.to)}`,
      );
      check(
        (o.level1.body.escalatedTo ?? []).some((a) => a.participant === PEER_AGENCY),
        "the escalation does not name the referrer abroad in escalatedTo",
      );
      await holds("the escalation's signature, with the node's key", () =>
        verifyEnvelope(o.level1.jws, { resolveKey: (kid) => h.nodeKey(kid) }),
      );
    },
    { prepare },
  ),

  t(
    "FRX-DL-008",
    async (h) => {
      const o = await outcome(h);
      same(
        o.outboundNotices,
        [],
        "deadline notices about a referral the peer is authoritative for",
      );
    },
    { prepare },
  ),

  t(
    "FRX-DL-012",
    async (h) => {
      const o = await outcome(h);
      same(
        o.forged,
        { status: "rejected", code: "state.actor-forbidden" },
        "the peer's escalation of a referral it is not authoritative for",
      );
    },
    { prepare },
  ),

  t("FRX-DL-011", async (h) => {
    // A peer node's deadline notices that name their thread otherwise than the rule says: a
    // referral deadline that also names an investigation, a respond deadline that names a
    // referral, a payment deadline that names a referral. Each fails the schema, whatever
    // the node holds of the thread.
    const create = h.envelope("peer-referral-create-ok");
    const dueAt = new Date().toISOString();
    const forged = (body: Record<string, unknown>) =>
      h.sign(
        h.envelope("deadline-overdue-forged-fail", {
          from: `${h.peer.node}:NODE`,
          to: [{ participant: h.id("VS") }],
          case: create.case,
          referral: create.referral,
          body: { dueAt, level: 1, ...body },
        }),
        h.kit.secrets.nodes[h.peer.node]!.signing,
      );
    const envelopes = [
      forged({ deadline: "acknowledge", investigationId: ulid() }),
      forged({ deadline: "respond", investigationId: ulid() }),
      forged({ deadline: "payment", claimRef: ulid(), instalment: 1 }),
    ];
    const { reply: r } = await reply(h, await sendAsPeer(h, { envelopes }));
    same(
      r.results.map((x) => [x.status, x.code]),
      envelopes.map(() => ["rejected", "schema.invalid"]),
      "the results of the three misnamed notices",
    );
  }),
];
