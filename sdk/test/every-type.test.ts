import { MessageType, messageTypeValues, type MessageOf } from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE_ONLY_TYPES, type FrxClient, type SendInput } from "../src/index.js";
import { fixture, inputOf } from "./support/fixtures.js";
import { startNode, type LiveNode } from "./support/live-node.js";

const CASE = "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0";
const to = (...ids: string[]) => ids.map((participant) => ({ participant }));
/** A spec fixture's content as `send` input, retargeted to this (TH-only) node. */
const from = <T extends MessageType>(type: T, overrides: Partial<SendInput<T>> = {}) =>
  ({ ...inputOf<T>(fixture(type)), ...overrides }) as SendInput<T>;
const bodyOf = <T extends MessageType>(type: T) => fixture(type).body as MessageOf<T>["body"];

let live: LiveNode;
let doe: FrxClient, dsdw: FrxClient, atpd: FrxClient, reg: FrxClient, ncc: FrxClient;
beforeAll(async () => {
  live = await startNode();
  [doe, dsdw, atpd, reg, ncc] = ["TH:DOE", "TH:DSDW", "TH:ATPD", "TH:DOE-REG", "TH:NCC"].map((id) =>
    live.client(id),
  ) as [FrxClient, FrxClient, FrxClient, FrxClient, FrxClient];
});
afterAll(async () => live.close());

/** Every message each agency finds in its inbox, verified. */
async function received(client: FrxClient): Promise<MessageOf<MessageType>[]> {
  const out: MessageOf<MessageType>[] = [];
  for await (const item of client.inbox({ follow: false })) {
    if (!item.ok) throw item.error;
    out.push(item.message);
  }
  return out;
}

describe("every agency message type through a real node", () => {
  it("builds, signs, sends (with a verified receipt) and receives each one, in a valid order", async () => {
    const sent = new Set<MessageType>();
    const track = <R extends { message: { type: MessageType }; receipt: object }>(r: R) => {
      expect(r.receipt).toBeDefined();
      sent.add(r.message.type);
      return r;
    };
    // Action 1: the case, told to the authorities concerned.
    track(
      await doe.send(
        MessageType.CaseNotify,
        from(MessageType.CaseNotify, { to: to("TH:ATPD", "TH:DOE-REG", "TH:NCC") }),
      ),
    );
    track(
      await doe.send(
        MessageType.CaseUpdate,
        from(MessageType.CaseUpdate, { to: to("TH:ATPD", "TH:DOE-REG", "TH:NCC") }),
      ),
    );
    track(await doe.send(MessageType.ConsentRecord, from(MessageType.ConsentRecord)));

    // Action 5: a referral thread through its machine, by the helpers (ids and sequence filled).
    const create = { ...from(MessageType.ReferralCreate), case: CASE };
    const ref = track(await doe.referrals.create({ ...create, referral: undefined }));
    track(await dsdw.referrals.acknowledge(ref, bodyOf(MessageType.ReferralAcknowledge)));
    track(await dsdw.referrals.accept(ref, bodyOf(MessageType.ReferralAccept)));
    track(await dsdw.referrals.update(ref, bodyOf(MessageType.ReferralUpdate)));
    track(await dsdw.referrals.close(ref, bodyOf(MessageType.ReferralClose)));
    track(await doe.referrals.reopen(ref, bodyOf(MessageType.ReferralReopen)));
    track(await doe.referrals.withdraw(ref, bodyOf(MessageType.ReferralWithdraw)));
    const declined = track(await doe.referrals.create({ ...create, referral: undefined }));
    track(await dsdw.referrals.decline(declined, bodyOf(MessageType.ReferralDecline)));
    const redirected = track(await doe.referrals.create({ ...create, referral: undefined }));
    const redirect = {
      ...bodyOf(MessageType.ReferralRedirect),
      to: { node: "TH", power: "licence_revocation" as const },
    };
    track(await dsdw.referrals.redirect(redirected, redirect));
    const view = await doe.cases.get(CASE);
    expect(view.referrals.map((r) => r.state)).toEqual(["withdrawn", "declined", "redirected"]);

    // Action 3: evidence, its files uploaded first and covered by the signature.
    const request = track(
      await atpd.send(MessageType.EvidenceRequest, from(MessageType.EvidenceRequest)),
    );
    const files = await Promise.all(
      ["wage ledger", "logbook photos"].map((text) =>
        doe.attachments.upload(new TextEncoder().encode(text), "application/pdf"),
      ),
    );
    const provide = bodyOf(MessageType.EvidenceProvide);
    provide.items = provide.items.map((item, i) => ({ ...item, ...files[i]! }));
    track(
      await doe.send(
        MessageType.EvidenceProvide,
        from(MessageType.EvidenceProvide, {
          inReplyTo: request.messageId,
          body: provide,
          attachments: files,
        }),
      ),
    );
    track(
      await doe.send(
        MessageType.EvidenceRefuse,
        from(MessageType.EvidenceRefuse, { inReplyTo: request.messageId }),
      ),
    );

    // Action 4: a joint investigation, each move at the next version from the case view.
    const investigation = bodyOf(MessageType.InvestigationPropose).investigationId;
    const next = async () => (await doe.cases.get(CASE)).investigations[0]!.version + 1;
    const team = to("TH:ATPD", "TH:DOE-REG");
    const propose = {
      ...bodyOf(MessageType.InvestigationPropose),
      participants: ["TH:DOE", "TH:ATPD", "TH:DOE-REG"],
    };
    track(
      await doe.send(
        MessageType.InvestigationPropose,
        from(MessageType.InvestigationPropose, { to: team, body: propose }),
      ),
    );
    for (const client of [atpd, reg])
      track(
        await client.send(
          MessageType.InvestigationRespond,
          from(MessageType.InvestigationRespond, { to: to("TH:DOE"), sequence: await next() }),
        ),
      );
    const plan = bodyOf(MessageType.InvestigationPlan);
    plan.teams = plan.teams.filter((t) => t.participant.startsWith("TH:"));
    track(
      await doe.send(
        MessageType.InvestigationPlan,
        from(MessageType.InvestigationPlan, { to: team, sequence: await next(), body: plan }),
      ),
    );
    const report = { ...bodyOf(MessageType.InvestigationReport), investigationId: investigation };
    track(
      await doe.send(
        MessageType.InvestigationReport,
        from(MessageType.InvestigationReport, { to: team, sequence: await next(), body: report }),
      ),
    );
    const close = { ...bodyOf(MessageType.InvestigationClose), investigationId: investigation };
    track(
      await doe.send(
        MessageType.InvestigationClose,
        from(MessageType.InvestigationClose, { to: team, sequence: await next(), body: close }),
      ),
    );
    expect((await doe.cases.get(CASE)).investigations[0]!.state).toBe("closed");

    // Actions 2, 7, 9: sanctions, licences, the registry, remedies, proceedings.
    track(
      await reg.send(
        MessageType.SanctionNotify,
        from(MessageType.SanctionNotify, { to: to("TH:DOE", "TH:NCC") }),
      ),
    );
    const query = track(
      await doe.send(
        MessageType.LicenceQuery,
        from(MessageType.LicenceQuery, { to: [{ node: "TH", role: "recruitment_regulator" }] }),
      ),
    );
    expect(query.deliveredTo).toEqual(["TH:DOE-REG"]);
    track(
      await reg.send(
        MessageType.LicenceStatus,
        from(MessageType.LicenceStatus, { to: to("TH:DOE"), inReplyTo: query.messageId }),
      ),
    );
    track(
      await reg.send(
        MessageType.RegistryEntry,
        from(MessageType.RegistryEntry, { to: [{ node: "TH", role: "labour_inspectorate" }] }),
      ),
    );
    track(
      await doe.send(MessageType.RemedyClaim, from(MessageType.RemedyClaim, { to: to("TH:DSDW") })),
    );
    // The claim is awarded before the fixture's instalment (FRX-REM-005, FRX-REM-006).
    const update = bodyOf(MessageType.RemedyUpdate);
    const awarded = {
      claimRef: update.claimRef,
      status: "awarded",
      amountAwarded: update.amountAwarded,
    } as typeof update;
    await doe.send(
      MessageType.RemedyUpdate,
      from(MessageType.RemedyUpdate, { to: to("TH:DSDW"), body: awarded }),
    );
    track(
      await doe.send(
        MessageType.RemedyUpdate,
        from(MessageType.RemedyUpdate, { to: to("TH:DSDW") }),
      ),
    );
    track(
      await atpd.send(
        MessageType.ProceedingsNotify,
        from(MessageType.ProceedingsNotify, { to: to("TH:DSDW") }),
      ),
    );
    const transfer = { ...bodyOf(MessageType.CaseTransfer), newOwner: "TH:DSDW" };
    track(
      await doe.send(
        MessageType.CaseTransfer,
        from(MessageType.CaseTransfer, { to: to("TH:DSDW"), body: transfer }),
      ),
    );

    // Actions 6 and 8: plans and aggregates.
    track(
      await ncc.send(
        MessageType.PlanningShare,
        from(MessageType.PlanningShare, { to: to("TH:DOE", "TH:ATPD") }),
      ),
    );
    track(
      await ncc.send(MessageType.StatsReport, from(MessageType.StatsReport, { to: to("TH:DOE") })),
    );
    // Last: the worker withdraws consent, which stops person-level exchange in the case.
    track(await doe.send(MessageType.ConsentWithdraw, from(MessageType.ConsentWithdraw)));

    const agencyTypes = messageTypeValues.filter(
      (t) => !(NODE_ONLY_TYPES as readonly string[]).includes(t),
    );
    expect([...sent].sort()).toEqual([...agencyTypes].sort());
    const inboxes = await Promise.all([doe, dsdw, atpd, reg, ncc].map(received));
    const got = new Set(inboxes.flat().map((m) => m.type));
    expect([...got].sort()).toEqual([...agencyTypes].sort());
    expect((await doe.registry()).entries.map((e) => e.entryId)).toHaveLength(2);
  });
});
