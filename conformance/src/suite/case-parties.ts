import { check, same } from "../harness/check.js";
import { ulid } from "../harness/ulid.js";
import { section } from "./define.js";
import { makeParty } from "./parties.js";

const t = section("messages/parties", "core");

/** A case.update with no person-level content, from `from` to `to`, in `caseId`. */
function update(h: Parameters<typeof makeParty>[0], caseId: string, from: string, to: string) {
  const env = h.envelope("case-update-decisions-ok", {
    case: caseId,
    from,
    to: [{ participant: to }],
    purpose: "case_coordination",
  });
  delete (env.body as Record<string, unknown>).traffickingStatusDecisions;
  return env;
}

export const casePartiesTests = [
  t("FRX-MSG-010", async (h) => {
    const caseId = `${h.id("LI")}:${ulid()}`;
    await h.accepted(h.sign(update(h, caseId, h.id("LI"), h.id("VS"))));
    // POL knows the case id but no party addressed it.
    const p = await h.refused(h.sign(update(h, caseId, h.id("POL"), h.id("VS"))), "case.not-party");
    check(
      (p.violations ?? []).some((v) => v.pointer === "/case"),
      `no violation at /case: ${JSON.stringify(p.violations)}`,
    );
    // Once a party addresses it, it is one.
    await makeParty(h, caseId, "POL");
    await h.accepted(h.sign(update(h, caseId, h.id("POL"), h.id("VS"))));
  }),

  t("FRX-MSG-011", async (h) => {
    const caseId = `${h.id("LI")}:${ulid()}`;
    await h.refused(h.sign(update(h, caseId, h.id("VS"), h.id("LI"))), "case.not-party");
    await h.accepted(h.sign(update(h, caseId, h.id("LI"), h.id("VS"))));
  }),

  t("FRX-MSG-012", async (h) => {
    const caseId = `${h.id("LI")}:${ulid()}`;
    const toVs = update(h, caseId, h.id("LI"), h.id("VS"));
    const toPol = update(h, caseId, h.id("LI"), h.id("POL"));
    await h.accepted(h.sign(toVs));
    await h.accepted(h.sign(toPol));
    const res = await h.call("GET", `/v1/cases/${encodeURIComponent(caseId)}`, { as: "VS" });
    const view = res.json<{ timeline?: Array<{ messageId: string }> }>();
    const ids = (view.timeline ?? []).map((e) => e.messageId);
    check(
      ids.includes(toVs.id),
      `VS does not see the message addressed to it: ${JSON.stringify(ids)}`,
    );
    check(
      !ids.includes(toPol.id),
      `VS sees a message addressed to POL only: ${JSON.stringify(ids)}`,
    );
  }),

  t("FRX-MSG-009", async (h) => {
    const transfer = (newOwner: string) => {
      const base = h.envelope("case-transfer-ok");
      return h.sign({ ...base, body: { ...base.body, newOwner } });
    };
    // Not addressed, and not a participant at all: both refused; the addressed one is taken.
    await h.refused(transfer(h.id("POL")), "routing.recipient-unknown");
    await h.refused(transfer(`${h.node.id}:CONF-NOBODY`), "routing.recipient-unknown");
    await h.accepted(transfer(h.id("VS")));
  }),

  t(
    "FRX-MSG-013",
    async (h) => {
      const notify = h.envelope("case-notify-ok", {
        to: [{ participant: h.id("VS") }, { participant: h.id("POL") }],
      });
      await h.accepted(h.sign(notify));
      const c = notify.case!;
      const transfer = (from: "LI" | "VS", to: "LI" | "VS" | "POL") => {
        const base = h.envelope("case-transfer-ok", { case: c });
        // A consent is on record from LI for the fixture's worker; VS gives one of its own.
        const consent = base.body.consent as Record<string, unknown>;
        const own = { ...consent, consentId: ulid(), personRef: "pp_ConformanceTestWorker002" };
        return h.sign({
          ...base,
          from: h.id(from),
          to: [{ participant: h.id(to) }],
          body: { ...base.body, newOwner: h.id(to), consent: from === "LI" ? consent : own },
        });
      };
      const ownerAs = async (as: "LI" | "VS" | "POL") => {
        const r = await h.call("GET", `/v1/cases/${encodeURIComponent(c)}`, { as });
        check(r.status === 200, `GET the case as ${h.id(as)} answered ${r.status}`);
        const v = r.json<{ case?: string; owner?: string }>();
        return [v.case, v.owner];
      };
      await h.accepted(transfer("LI", "VS"));
      same(await ownerAs("VS"), [c, h.id("VS")], "the case id and owner after LI's transfer");
      // The former owner can no longer transfer; the new one can.
      await h.refused(transfer("LI", "POL"), "state.actor-forbidden");
      await h.accepted(transfer("VS", "POL"));
      same(await ownerAs("POL"), [c, h.id("POL")], "the case id and owner after VS's transfer");
    },
    { covers: ["FRX-MSG-003"] },
  ),
];
