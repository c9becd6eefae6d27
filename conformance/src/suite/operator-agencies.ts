import { publicJwkOf, generateSigningKey } from "@frx/spec";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";
import {
  done,
  entryOf,
  refusedStep,
  scratchRegistration,
  withScratch,
} from "./operator-support.js";

/**
 * Registering and changing agencies, through the operator steps add-agency and update-agency
 * (docs/certification.md, "Operator steps"): what the node refuses, and what its directory then
 * publishes.
 */
const t = section("admin/agencies", "core");

const fresh = () => publicJwkOf(generateSigningKey().privateJwk);

const REGIME_SUSPEND = { kind: "LICENCE_SUSPENSION", legalReference: "Conformance Act s. 1" };
const REGIME_REVOKE = { kind: "LICENCE_REVOCATION", legalReference: "Conformance Act s. 2" };
const PROCEDURES = {
  channels: [{ kind: "frx" }, { kind: "email", address: "desk@conformance.example" }],
  contactPoints: [{ unit: "Conformance desk" }],
  languages: ["en"],
  responseTimes: [{ type: "referral.create", workingDays: 2 }],
};

/** Refuses a registration with request.malformed, and the directory does not list the agency. */
async function registrationRefused(h: Harness, change: Record<string, unknown>, what: string) {
  const { scratch, registration } = scratchRegistration(h, change);
  await refusedStep(h, { step: "add-agency", registration }, "request.malformed", what);
  check(
    (await entryOf(h, scratch.id)) === undefined,
    `the directory lists ${scratch.id} after refusing ${what}`,
  );
}

export const operatorAgencyTests = [
  t("FRX-FED-072", async (h) => {
    await registrationRefused(h, { name: "N".repeat(201) }, "a name of 201 characters");
    await registrationRefused(h, { name: "Bell\u0007agency" }, "a name with a control character");
    await registrationRefused(
      h,
      { roles: ["labour_attache", "labour_attache"] },
      "a repeated role",
    );
    await withScratch(h, {}, async (s) => {
      const before = await entryOf(h, s.id);
      check(before, `the directory does not list ${s.id} after its registration`);
      await refusedStep(
        h,
        { step: "update-agency", change: { id: s.id, name: "N".repeat(201) } },
        "request.malformed",
        "a change of name to 201 characters",
      );
      await refusedStep(
        h,
        { step: "update-agency", change: { id: s.id, name: "Tab\tagency" } },
        "request.malformed",
        "a change of name with a control character",
      );
      same((await entryOf(h, s.id))?.name, before.name, `${s.id}'s name after the refusals`);
      // Retired keys stay listed (FRX-SIG-005): nine rotations make ten keys, the schema's most.
      for (let i = 0; i < 9; i++)
        await done(
          h,
          { step: "rotate-agency-key", id: s.id, publicJwk: fresh() },
          `rotation ${i + 1} of ${s.id}'s key`,
        );
      await refusedStep(
        h,
        { step: "rotate-agency-key", id: s.id, publicJwk: fresh() },
        "request.malformed",
        "an eleventh key",
      );
      same((await entryOf(h, s.id))?.keys.length, 10, `the keys ${s.id}'s directory entry lists`);
    });
  }),

  t("FRX-FED-085", async (h) => {
    const powers = ["licence_suspension", "licence_revocation"];
    await withScratch(
      h,
      { powers, sanctionRegimes: [REGIME_SUSPEND], procedures: PROCEDURES },
      async (s) => {
        const first = await entryOf(h, s.id);
        same(first?.sanctionRegimes, [REGIME_SUSPEND], "the sanction regimes as registered");
        same(first?.procedures, PROCEDURES, "the procedures as registered");
        await done(
          h,
          { step: "update-agency", change: { id: s.id, sanctionRegimes: [REGIME_REVOKE] } },
          "a change of sanction regimes",
        );
        const second = await entryOf(h, s.id);
        same(second?.sanctionRegimes, [REGIME_REVOKE], "the sanction regimes as changed");
        same(second?.procedures, PROCEDURES, "the procedures, not changed");
        await done(
          h,
          { step: "update-agency", change: { id: s.id, procedures: null } },
          "the removal of the procedures",
        );
        const third = await entryOf(h, s.id);
        same(third?.procedures, undefined, "the procedures after their removal");
        same(third?.sanctionRegimes, [REGIME_REVOKE], "the sanction regimes, not changed");
      },
    );
  }),

  t("FRX-FED-086", async (h) => {
    await registrationRefused(
      h,
      { powers: ["licence_suspension"], sanctionRegimes: [REGIME_REVOKE] },
      "a sanction regime (LICENCE_REVOCATION) its powers do not allow",
    );
    await withScratch(
      h,
      { powers: ["licence_suspension"], sanctionRegimes: [REGIME_SUSPEND] },
      async (s) => {
        await refusedStep(
          h,
          { step: "update-agency", change: { id: s.id, powers: [] } },
          "request.malformed",
          "taking away the power its sanction regime needs",
        );
        await refusedStep(
          h,
          {
            step: "update-agency",
            change: { id: s.id, sanctionRegimes: [REGIME_SUSPEND, REGIME_REVOKE] },
          },
          "request.malformed",
          "adding a sanction regime its powers do not allow",
        );
        const entry = await entryOf(h, s.id);
        same(entry?.powers, ["licence_suspension"], "the powers after the refusals");
        same(entry?.sanctionRegimes, [REGIME_SUSPEND], "the sanction regimes after the refusals");
      },
    );
  }),

  t("FRX-ADM-004", async (h) => {
    const li = publicJwkOf(h.key("LI"));
    await refusedStep(
      h,
      { step: "add-agency", registration: scratchRegistration(h, { publicJwk: li }).registration },
      "admin.key-in-use",
      `the registration of another agency with ${h.id("LI")}'s key`,
    );
    await withScratch(h, {}, async (s) => {
      await refusedStep(
        h,
        { step: "rotate-agency-key", id: s.id, publicJwk: li },
        "admin.key-in-use",
        `a rotation of ${s.id} to ${h.id("LI")}'s key`,
      );
      const keys = (await entryOf(h, s.id))?.keys.map((k) => k.kid);
      same(keys, [publicJwkOf(s.key).kid], `${s.id}'s keys after the refused rotation`);
    });
    await refusedStep(
      h,
      { step: "add-operator", name: "conformance-probe", publicJwk: li },
      "admin.key-in-use",
      `${h.id("LI")}'s key as an operator key`,
    );
    // A fresh key is not refused: the refusals above were about the key, not the step.
    await withScratch(h, {}, async (s) => {
      await done(h, { step: "rotate-agency-key", id: s.id, publicJwk: fresh() }, "a fresh key");
    });
  }),
];
