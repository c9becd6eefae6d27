import { check, same } from "../harness/check.js";
import type { Envelope } from "../harness/fixtures.js";
import type { Harness } from "../harness/harness.js";
import { ulid } from "../harness/ulid.js";
import type { AgencyName } from "../kit/agencies.js";
import { section } from "./define.js";

/** Outcomes as state: the sanction machine and the case's tracks (state-machines.md, "Tracks"). */
const t = section("state-machines/tracks", "core");

/** A sanction.notify from LI to POL (or as `from` to LI) for `sanctionId` in `caseId`. */
function sanction(
  h: Harness,
  caseId: string,
  sanctionId: string,
  body: Record<string, unknown>,
  from: AgencyName = "LI",
): string {
  const base = h.envelope("sanction-notify-ok", { case: caseId });
  const to = from === "LI" ? "POL" : "LI";
  return h.sign({
    ...base,
    from: h.id(from),
    to: [{ participant: h.id(to) }],
    body: { ...base.body, sanctionId, ...body },
  });
}

interface Track {
  track: string;
  lead: string;
  status?: string;
  sanctions: Array<{ sanctionId: string; status: string }>;
  proceedings: Array<{ kind: string }>;
  reports: Array<{ investigationId: string }>;
}

async function tracksSeenBy(h: Harness, as: AgencyName, caseId: string): Promise<Track[]> {
  const r = await h.call("GET", `/v1/cases/${encodeURIComponent(caseId)}`, { as });
  check(r.status === 200, `GET the case as ${h.id(as)} answered ${r.status}`);
  return r.json<{ outcomeTracks?: Track[] }>().outcomeTracks ?? [];
}

/** LI proposes to POL alone an investigation scoped to `tracks`; POL agrees, LI plans, POL reports. */
async function reported(h: Harness, caseId: string, tracks: string[]): Promise<string> {
  const id = ulid();
  const step = async (fixture: string, sequence: number, o: Partial<Envelope> = {}) => {
    const { body: change, ...members } = o;
    const base = h.envelope(fixture, { case: caseId, sequence, ...members });
    const body = { ...base.body, investigationId: id, ...(change ?? {}) };
    await h.accepted(h.sign({ ...base, body }));
  };
  const propose = h.envelope("investigation-propose-ok").body;
  await step("investigation-propose-ok", 1, {
    to: [{ participant: h.id("POL") }],
    body: {
      participants: [h.id("LI"), h.id("POL")],
      scope: { ...(propose.scope as object), tracks },
    },
  });
  await step("investigation-respond-ok", 2);
  await step("investigation-plan-ok", 3, { to: [{ participant: h.id("POL") }] });
  await step("investigation-report-ok", 4);
  return id;
}

export const sanctionTests = [
  t("FRX-REM-009", async (h) => {
    const c = h.envelope("case-notify-ok").case!;
    await h.refused(sanction(h, c, ulid(), { status: "appealed" }), "state.transition-forbidden");
    const id = ulid();
    await h.accepted(sanction(h, c, id, { status: "imposed" }));
    await h.refused(sanction(h, c, id, { status: "proposed" }), "state.transition-forbidden");
    await h.refused(
      sanction(h, c, id, { status: "appealed", kind: "IMPROVEMENT_NOTICE" }),
      "state.transition-forbidden",
    );
    await h.accepted(sanction(h, c, id, { status: "appealed" }));
  }),

  t("FRX-REM-010", async (h) => {
    const c = h.envelope("case-notify-ok").case!;
    const id = ulid();
    await h.accepted(sanction(h, c, id, { status: "imposed" }));
    await h.refused(sanction(h, c, id, { status: "withdrawn" }, "POL"), "state.actor-forbidden");
  }),

  t(
    "FRX-REM-011",
    async (h) => {
      const notify = h.envelope("case-notify-ok");
      const c = notify.case!;
      await h.accepted(h.sign(notify)); // VS: a party of the case, told of no outcome
      const [fine, licence, notice] = [ulid(), ulid(), ulid()];
      await h.accepted(sanction(h, c, fine, { status: "imposed" }));
      await h.accepted(sanction(h, c, licence, { status: "imposed", kind: "LICENCE_SUSPENSION" }));
      await h.accepted(h.sign(h.envelope("proceedings-notify-ok", { case: c })));
      const investigation = await reported(h, c, ["remedy"]);
      await h.accepted(sanction(h, c, notice, { status: "imposed", kind: "IMPROVEMENT_NOTICE" }));
      await h.accepted(sanction(h, c, fine, { status: "appealed" }));

      const byTrack = new Map((await tracksSeenBy(h, "LI", c)).map((x) => [x.track, x]));
      const summary = (x: Track | undefined) =>
        x && {
          lead: x.lead,
          status: x.status,
          sanctions: x.sanctions.map((s) => s.sanctionId).sort(),
          proceedings: x.proceedings.map((p) => p.kind),
          reports: x.reports.map((r) => r.investigationId),
        };
      same(
        summary(byTrack.get("labour")),
        {
          lead: h.id("LI"),
          status: "appealed",
          sanctions: [fine, notice].sort(),
          proceedings: [],
          reports: [],
        },
        "the labour track: two sanctions, the latest moved appealed",
      );
      same(
        summary(byTrack.get("licensing")),
        { lead: h.id("LI"), status: "imposed", sanctions: [licence], proceedings: [], reports: [] },
        "the licensing track",
      );
      same(
        summary(byTrack.get("criminal")),
        {
          lead: h.id("POL"),
          status: undefined,
          sanctions: [],
          proceedings: ["criminal_trial"],
          reports: [],
        },
        "the criminal track: proceedings only, led by their sender",
      );
      same(
        summary(byTrack.get("remedy")),
        {
          lead: h.id("POL"),
          status: undefined,
          sanctions: [],
          proceedings: [],
          reports: [investigation],
        },
        "the remedy track: the report of an investigation scoped to it",
      );
      same(
        await tracksSeenBy(h, "VS", c),
        [],
        "the tracks VS, told of none of their entries, sees",
      );
    },
    { covers: ["FRX-REM-012", "FRX-REM-013"] },
  ),
];
