import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";

let cluster: Cluster;
let th: Member;
let la: Member;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
});
afterAll(async () => cluster.close());

type Item = { messageId: string; jws: string };
const payloads = async (m: Member, who: string) =>
  ((await (await m.as(who, "/v1/inbox")).json()) as { items: Item[] }).items.map(
    (i) =>
      JSON.parse(Buffer.from(i.jws.split(".")[1]!, "base64url").toString()) as {
        id: string;
        type: string;
        body: Record<string, unknown>;
      },
  );

describe("payment due dates across borders (FRX-REM-015, FRX-REM-016)", () => {
  it("are watched by the claimant's node only, whichever nodes hold the claim", async () => {
    // TH:DOE claims for a Lao worker; the Lao ministry follows the claim and reports the award.
    const claim = fixture("remedy.claim");
    expect((await th.submit(th.sign(claim))).status).toBe(201);
    await eventually(
      async () => (await payloads(la, "LA:MOLSW")).some((m) => m.id === claim.id),
      "the claim at LA",
    );
    const award = Object.assign(fixture("remedy.update"), {
      id: "01KJPWT0S0BT0ZTSGWC95D0001",
      from: "LA:MOLSW",
      to: [{ participant: "TH:DOE" }],
      body: {
        claimRef: claim.body.claimRef,
        status: "awarded",
        amountAwarded: { amount: "54000", currency: "THB" },
        schedule: [{ dueAt: "2026-03-20T10:00:00Z", amount: { amount: "54000", currency: "THB" } }],
      },
    });
    expect((await la.submit(la.sign(award))).status).toBe(201);
    await eventually(
      async () => (await payloads(th, "TH:DOE")).some((m) => m.id === award.id),
      "the award at TH",
    );

    for (const m of [th, la]) m.clock.set("2026-03-21T00:00:00Z");
    await la.node.scheduler.tick();
    await th.node.scheduler.tick();
    const overdue = (ms: Awaited<ReturnType<typeof payloads>>) =>
      ms.filter((m) => m.type === "deadline.overdue");
    expect(overdue(await payloads(th, "TH:DOE"))).toEqual([
      expect.objectContaining({
        body: expect.objectContaining({ deadline: "payment", instalment: 1 }) as unknown,
      }),
    ]);
    expect(overdue(await payloads(th, "TH:NCC"))).toHaveLength(1);
    // LA holds the same claim and schedule, but the dates are not its to watch.
    expect(overdue(await payloads(la, "LA:MOLSW"))).toEqual([]);
    expect(overdue(await payloads(la, "LA:NCC"))).toEqual([]);
    const claims = async (m: Member, who: string) =>
      (
        (await (await m.as(who, `/v1/cases/${encodeURIComponent(claim.case!)}`)).json()) as {
          claims: Array<{ schedule?: unknown[]; overdue?: unknown[] }>;
        }
      ).claims;
    expect((await claims(la, "LA:MOLSW"))[0]).toMatchObject({ schedule: [expect.anything()] });
    expect((await claims(la, "LA:MOLSW"))[0]!.overdue).toBeUndefined();
    expect((await claims(th, "TH:DOE"))[0]!.overdue).toHaveLength(1);
  });
});
