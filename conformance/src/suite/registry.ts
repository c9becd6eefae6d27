import { check } from "../harness/check.js";
import { eventually } from "../harness/inbox.js";
import { nodeDocument } from "./discovery.js";
import { section } from "./define.js";

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
];
