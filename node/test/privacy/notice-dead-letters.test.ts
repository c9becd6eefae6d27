import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalize, isFrxError, signCompact } from "@frx/spec";
import { privacyOperations } from "../../src/admin/operations-privacy.js";
import { deadNotices, type PendingNotice } from "../../src/privacy/notice-delivery.js";
import type { AuditEntry } from "../../src/store/records.js";
import { Cluster, eventually, type Member } from "../federation/cluster.js";

let cluster: Cluster;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
});
afterAll(async () => cluster.close());

/** An admin operation as the API and the CLI run it (FRX-ADM-002: defined once). */
function op(name: string) {
  const found = privacyOperations.find((o) => o.name === name);
  if (!found) throw new Error(`no admin operation ${name}`);
  return (m: Member, input: Record<string, unknown> = {}) => found.run(m.node, input, "dpo");
}

/** A notice TH signs for a case LA does not hold: LA refuses it with dp.not-party. */
function refusedNotice(th: Member, erasure: string, queuedAt: Date): PendingNotice {
  const notice = signCompact(
    new TextEncoder().encode(
      canonicalize({
        frx: "1",
        kind: "erasure-notice",
        erasure,
        origin: "TH",
        at: th.clock.now().toISOString(),
        reason: "test",
        cases: [
          { case: "TH:DOE:01KJQ0000000000000000000ZZ", messages: ["01KJQ0000000000000000000ZY"] },
        ],
      }),
    ),
    "frx-erasure-notice+jws",
    th.node.ctx.signer,
  );
  return { erasure, node: "LA", notice, queuedAt: queuedAt.toISOString(), attempts: 0 };
}

const details = async (m: Member) =>
  (await m.node.ctx.store.range<AuditEntry>("audit")).map(([, e]) => e.detail ?? "");

describe("erasure-notice list, retry and discard (FRX-ADM-014)", () => {
  it("lists a dead notice, queues it again with a new window, discards it, each audited", async () => {
    const th = cluster.get("TH");
    const erasure = "01KJQ0000000000000000000EE";
    expect(await op("erasure-notice.list")(th)).toEqual([]);
    await th.node.ctx.store.commit([
      {
        type: "put",
        aggregate: "erasureNotices",
        key: `q!${erasure}!LA`,
        // Queued six days ago: a retry must give it a window of its own, not the day left.
        value: refusedNotice(th, erasure, new Date(th.clock.now().getTime() - 6 * 86_400_000)),
      },
    ]);
    th.node.ctx.outbox.notices.kick();
    await eventually(async () => (await deadNotices(th.node.ctx))[0], "LA to refuse the notice");
    const listed = (await op("erasure-notice.list")(th)) as Array<Record<string, unknown>>;
    expect(listed).toEqual([
      expect.objectContaining({ state: "dead", erasure, node: "LA", attempts: 1 }),
    ]);
    expect(String(listed[0]!.lastError)).toMatch(/403.*dp\.not-party/);
    // The signed notice stays out of the listing.
    expect(listed[0]).not.toHaveProperty("notice");

    expect(await op("erasure-notice.retry")(th, { erasure, node: "LA" })).toEqual({ ok: true });
    expect(await details(th)).toContain(`erasure notice ${erasure} for LA queued again`);
    const again = await eventually(
      async () => (await deadNotices(th.node.ctx))[0],
      "the retried notice to reach LA and be refused again",
    );
    expect(again).toMatchObject({ attempts: 1, queuedAt: th.clock.now().toISOString() });
    expect(again.lastError).toMatch(/403.*dp\.not-party/);

    expect(await op("erasure-notice.discard")(th, { erasure, node: "LA" })).toEqual({ ok: true });
    expect(await op("erasure-notice.list")(th)).toEqual([]);
    expect(await details(th)).toContain(`erasure notice ${erasure} for LA discarded`);
  });

  it("answers a notice it does not hold as a dead letter with request.not-found (FRX-ADM-011)", async () => {
    const th = cluster.get("TH");
    for (const [erasure, node] of [
      ["01KJQ0000000000000000000FF", "LA"],
      ["../../etc", "LA"],
      ["01KJQ0000000000000000000FF", "la"],
    ] as const)
      for (const action of ["retry", "discard"]) {
        const refused = await op(`erasure-notice.${action}`)(th, { erasure, node }).catch(
          (e: unknown) => e,
        );
        expect(isFrxError(refused, "request.not-found"), `${action} ${erasure} ${node}`).toBe(true);
      }
    // A queued (not dead) notice is not a dead letter: it cannot be retried or discarded.
    const erasure = "01KJQ0000000000000000000GG";
    // The sender stopped, so that the notice stays queued while the operator asks.
    await th.node.ctx.outbox.notices.stop();
    await th.node.ctx.store.commit([
      {
        type: "put",
        aggregate: "erasureNotices",
        key: `q!${erasure}!LA`,
        value: refusedNotice(th, erasure, th.clock.now()),
      },
    ]);
    const queued = await op("erasure-notice.discard")(th, { erasure, node: "LA" }).catch(
      (e: unknown) => e,
    );
    expect(isFrxError(queued, "request.not-found")).toBe(true);
  });
});
