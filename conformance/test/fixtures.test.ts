import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkPolicy, isFrxError, validateMessage, type PolicyContext } from "@frx/spec";
import { describe, expect, it } from "vitest";
import { build } from "../src/harness/fixtures.js";
import { AGENCIES, AGENCY_NAMES } from "../src/kit/agencies.js";

const dir = fileURLToPath(new URL("../fixtures/", import.meta.url));
const names = readdirSync(dir)
  .map((f) => f.replace(/\.json$/, ""))
  .sort();

const ids = Object.fromEntries(AGENCY_NAMES.map((n) => [n, `TH:${AGENCIES[n].code}`]));
const values = {
  CC: "TH",
  ...ids,
  PEER: "XA:PEER",
  CASE: "TH:CONF-LI:01KJ0000000000000000000000",
  REFERRAL: "01KJ0000000000000000000001",
  INVESTIGATION: "01KJ0000000000000000000004",
  CONSENT: "01KJ0000000000000000000002",
  SANCTION: "01KJ0000000000000000000003",
  CLAIM: "01KJ0000000000000000000005",
  PAST: new Date(Date.now() - 3_600_000).toISOString(),
  TODAY: new Date().toISOString().slice(0, 10),
  SOON: new Date(Date.now() + 86_400_000).toISOString(),
};
const participant = (id: string) => {
  const name = AGENCY_NAMES.find((n) => ids[n] === id);
  const a = name
    ? AGENCIES[name]
    : {
        roles: ["labour_inspectorate", "victim_services"],
        orgType: "LabourInspectorate",
        immigrationFunctions: false,
      };
  return {
    id,
    node: id.slice(0, 2),
    roles: a.roles,
    orgType: a.orgType,
    immigrationFunctions: a.immigrationFunctions,
  } as PolicyContext["sender"];
};

/** What each -fail fixture is refused with; "node" where only the node's records can tell (routing, state). */
const REFUSED: Record<string, string> = {
  "schema-invalid-fail": "schema.invalid",
  "schema-unknown-type-fail": "schema.unknown-type",
  "schema-case-none-fail": "schema.invalid",
  "routing-unknown-fail": "node",
  "referral-create-two-recipients-fail": "node",
  "deadline-overdue-forged-fail": "node",
  "policy-consent-missing-fail": "policy.consent-missing",
  "policy-consent-expired-fail": "policy.consent-missing",
  "policy-consent-withdrawn-fail": "node",
  "policy-several-fail": "policy.firewall",
  "policy-recipient-role-fail": "policy.purpose-mismatch",
  "policy-message-tier-fail": "policy.tier-exceeded",
  "policy-audience-fail": "policy.consent-scope",
  "policy-override-immigration-fail": "policy.firewall",
  "policy-small-cell-fail": "policy.tier-exceeded",
  "evidence-statement-to-immigration-fail": "policy.immigration-recipient",
};

function verdict(name: string): string {
  const env = build(
    name,
    values,
    /^(referral-|outbound-referral|peer-referral|investigation-)/.test(name)
      ? { sequence: /create|propose/.test(name) ? 1 : 2 }
      : {},
  );
  let message: ReturnType<typeof validateMessage>;
  try {
    message = validateMessage(env);
  } catch (error) {
    if (isFrxError(error)) return error.code;
    throw error;
  }
  const context = {
    sender: participant(env.from),
    recipients: env.to.map((a, toIndex) => ({
      ...participant(a.participant ?? "TH:CONF-VS"),
      toIndex,
    })),
    consentWithdrawn: false,
  } as PolicyContext;
  return checkPolicy(message, context)[0]?.code ?? "ok";
}

describe("fixtures", () => {
  it("are named *-ok or *-fail", () => {
    expect(names.filter((n) => !/-(ok|fail)$/.test(n))).toEqual([]);
  });

  it.each(names.filter((n) => n.endsWith("-ok")))(
    "%s is schema-valid and passes the policy",
    (name) => {
      // Identified data needs the consent on record that the test records first.
      expect(verdict(name)).toBe(
        name === "case-notify-identified-ok" ? "policy.consent-missing" : "ok",
      );
    },
  );

  it.each(names.filter((n) => n.endsWith("-fail")))(
    "%s breaks the rule its test expects",
    (name) => {
      const expected = REFUSED[name] ?? name.replace(/^policy-/, "policy.").replace(/-fail$/, "");
      expect(verdict(name)).toBe(expected === "node" ? "ok" : expected);
    },
  );
});
