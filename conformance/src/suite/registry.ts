import { check } from "../harness/check.js";
import { eventually } from "../harness/inbox.js";
import { nodeDocument } from "./discovery.js";
import { section } from "./define.js";
import type { Harness } from "../harness/harness.js";

const t = section("agency-api/registry", "core");
const PERSON_MEMBERS = [
  "persons",
  "personRef",
  "suspects",
  "suspectRef",
  "complaint",
  "identified",
  "fullName",
  "case",
];

/** A registry entry by `from` in its own name (an ADMIN_FINE unless `decision` says otherwise). */
const entry = (
  h: Harness,
  from: "LI" | "POL" | "VS",
  decision: Record<string, unknown> = {},
  body: Record<string, unknown> = {},
) => {
  const base = h.envelope("registry-entry-ok");
  const built: typeof base = {
    ...base,
    from: h.id(from),
    to: [{ participant: h.id(from === "LI" ? "VS" : "LI") }],
    body: {
      ...base.body,
      decision: { ...(base.body.decision as object), authority: h.id(from), ...decision },
      ...body,
    },
  };
  return built;
};

const entryStatus = (h: Harness, id: string) =>
  nodeDocument<{ entries?: Array<{ entryId?: string; status?: string }> }>(
    h,
    "/v1/registry",
    "registry",
    "frx-registry+jws",
  ).then((reg) => (reg.entries ?? []).find((e) => e.entryId === id)?.status);

const issuerTests = [
  t("FRX-POL-029", async (h) => {
    const forged = entry(h, "VS", { authority: h.id("LI") });
    await h.refused(h.sign(forged), "registry.issuer-mismatch");
    check(
      (await entryStatus(h, String(forged.body.entryId))) === undefined,
      "the node published the refused entry",
    );
  }),
  t("FRX-POL-030", async (h) => {
    // The police hold criminal_investigation and asset_freeze, not administrative_fine.
    const fine = entry(h, "POL", { imposingAuthorityType: "police_prosecution" });
    await h.refused(h.sign(fine), "registry.power-missing");
  }),
  t("FRX-POL-031", async (h) => {
    const original = entry(h, "LI");
    await h.accepted(h.sign(original));
    const id = String(original.body.entryId);
    await eventually(() => entryStatus(h, id), `registry entry ${id}`, 5_000, 100);
    // An agency holding a sanction power of its own republishes the inspectorate's entry as lifted.
    const lifting = entry(
      h,
      "POL",
      { kind: "ASSET_FREEZE_CONFISCATION", imposingAuthorityType: "police_prosecution" },
      { entryId: id, status: "lifted" },
    );
    await h.refused(h.sign(lifting), "registry.not-issuer");
    check(
      (await entryStatus(h, id)) === "published",
      "the entry is no longer as its issuer left it",
    );
  }),
];

export const registryTests = [
  t("FRX-POL-027", async (h) => {
    const sanction = h.envelope("sanction-notify-public-ok");
    await h.accepted(h.sign(sanction));
    const sanctionId = String(sanction.body.sanctionId);
    const entry = await eventually(
      async () => {
        const reg = await nodeDocument<{ entries?: Array<Record<string, unknown>> }>(
          h,
          "/v1/registry",
          "registry",
          "frx-registry+jws",
        );
        return (reg.entries ?? []).find(
          (e) => e.entryId === sanctionId || JSON.stringify(e).includes(sanctionId),
        );
      },
      `registry entry for sanction ${sanctionId}`,
      5_000,
      100,
    );
    const text = JSON.stringify(entry);
    check(
      text.includes("Conformance Test Fishing Co., Ltd."),
      `the entry does not name the legal entity: ${text.slice(0, 300)}`,
    );
    for (const m of PERSON_MEMBERS)
      check(!text.includes(`"${m}"`), `the registry entry carries ${m}: ${text.slice(0, 300)}`);
    check(!text.includes(String(sanction.case)), "the registry entry names the case");
  }),
  ...issuerTests,
];
