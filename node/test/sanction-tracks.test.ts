import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
  // TH:DOE opens the case and makes the police, the regulator and the coordinator parties.
  expect((await t.submit(t.sign(fixture("case.update")))).status).toBe(201);
});
afterEach(async () => t.node.close());

let n = 0;
const nextId = () => `01KJPY7SM0QWPAWFCAWA61${String(++n).padStart(4, "0")}`;
const send = async (env: Envelope) => {
  const res = await t.submit(t.sign(env));
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
};

function sanction(status: string, changes: Record<string, unknown> = {}, from = "TH:DOE-REG") {
  const env = fixture("sanction.notify");
  env.id = nextId();
  env.from = from;
  env.to = [{ participant: "TH:DOE" }, { participant: "TH:NCC" }];
  Object.assign(env.body, { status }, changes);
  return env;
}

type Track = {
  track: string;
  lead: string;
  status?: string;
  sanctions: Array<{ sanctionId: string; status: string; history: Array<{ status: string }> }>;
  proceedings: Array<{ kind: string }>;
  reports: Array<{ investigationId: string }>;
};
const tracksOf = async (who: string) =>
  (
    (await (
      await t.as(who, `/v1/cases/${encodeURIComponent(fixture("case.update").case!)}`)
    ).json()) as { outcomeTracks: Track[] }
  ).outcomeTracks;

describe("a case's tracks as state (machines/sanction.json, FRX-REM-009 to FRX-REM-013)", () => {
  it("moves a licence suspension through appeal to upheld on the licensing track, led by the regulator", async () => {
    for (const s of ["imposed", "appealed", "final"])
      expect((await send(sanction(s))).status, s).toBe(201);
    const [licensing] = await tracksOf("TH:DOE");
    expect(licensing).toMatchObject({ track: "licensing", lead: "TH:DOE-REG", status: "final" });
    expect(licensing!.sanctions[0]!.history.map((h) => h.status)).toEqual([
      "imposed",
      "appealed",
      "final",
    ]);
    // Upheld is final; lifting it now is no move the machine has.
    expect(await send(sanction("withdrawn"))).toEqual({
      status: 409,
      code: "state.transition-forbidden",
    });
  });

  it("lets only the imposer move a sanction on, and never changes its kind", async () => {
    expect((await send(sanction("proposed"))).status).toBe(201);
    // Another party naming itself as the imposing authority still may not move it.
    expect(
      await send(
        sanction("withdrawn", { imposingAuthority: "TH:ATPD", publicListing: false }, "TH:ATPD"),
      ),
    ).toEqual({
      status: 409,
      code: "state.actor-forbidden",
    });
    expect(await send(sanction("imposed", { kind: "LICENCE_REVOCATION" }))).toEqual({
      status: 409,
      code: "state.transition-forbidden",
    });
    expect(await send(sanction("appealed"))).toEqual({
      status: 409,
      code: "state.transition-forbidden",
    });
    expect((await send(sanction("withdrawn"))).status).toBe(201);
    expect((await tracksOf("TH:DOE"))[0]).toMatchObject({
      track: "licensing",
      status: "withdrawn",
    });
  });

  it("adds proceedings and investigation reports to their tracks, each shown only to those told", async () => {
    const proceedings = fixture("proceedings.notify");
    proceedings.to = [{ participant: "TH:DSDW" }];
    expect((await send(proceedings)).status).toBe(201);

    const propose = fixture("investigation.propose");
    propose.to = [{ participant: "TH:ATPD" }];
    Object.assign(propose.body, { participants: ["TH:DOE", "TH:ATPD"] });
    const inv = (propose.body as { investigationId: string }).investigationId;
    const steps: Array<[string, string, string]> = [
      ["investigation.respond", "TH:ATPD", "TH:DOE"],
      ["investigation.plan", "TH:DOE", "TH:ATPD"],
      ["investigation.report", "TH:DOE", "TH:ATPD"],
    ];
    expect(await send(propose)).toMatchObject({ status: 201 });
    for (const [i, [type, from, to]] of steps.entries()) {
      const env = fixture(type);
      Object.assign(env, { from, to: [{ participant: to }], sequence: i + 2 });
      Object.assign(env.body, { investigationId: inv });
      expect(await send(env), type).toMatchObject({ status: 201 });
    }

    const byName = (tracks: Track[]) => Object.fromEntries(tracks.map((x) => [x.track, x]));
    const atpd = byName(await tracksOf("TH:ATPD"));
    // The proposal scoped labour, licensing and criminal: the report is on each.
    expect(Object.keys(atpd).sort()).toEqual(["criminal", "labour", "licensing"]);
    expect(atpd.criminal!.proceedings.map((p) => p.kind)).toEqual(["criminal_trial"]);
    expect(atpd.labour!.reports.map((r) => r.investigationId)).toEqual([inv]);
    // TH:DSDW was told of the trial only.
    const dsdw = byName(await tracksOf("TH:DSDW"));
    expect(Object.keys(dsdw)).toEqual(["criminal"]);
    expect(dsdw.criminal!.reports).toEqual([]);
  });
});
