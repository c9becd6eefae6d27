import { messageTypeValues, nodeMessageTypes } from "@frx/spec";
import { afterAll, describe, expect, it } from "vitest";
import { runDemo, type DemoResult } from "../src/demo/run.js";

let result: DemoResult | undefined;
afterAll(async () => result?.federation.close());

/**
 * Every part of the story is played on this build: the cross-border escalation, the payment
 * overdue notice and the registry lookup have all landed, so a skip (a missing capability) fails.
 */
function played(text: string, pattern: RegExp, part: string): void {
  expect(result!.skipped, part).toEqual([]);
  expect(text).toMatch(pattern);
}

describe("the three-country demo (the README's main job)", () => {
  it("plays the case through all nine actions, the firewall and an outage, and every node's audit chain verifies", async () => {
    result = await runDemo(() => undefined);
    const text = result.lines.join("\n");
    for (const section of [
      "Action 1",
      "Action 2",
      "Action 3",
      "Action 4",
      "Action 5",
      "Action 6",
      "Actions 2 and 7",
      "Action 7",
      "Action 8",
      "Action 9",
      "Firewall",
      "Outage",
      "Return home",
      "Checks",
    ]) {
      expect(text).toContain(`── ${section} ·`);
    }
    // The firewall refusal names the offending pointer, at the SDK and at the node.
    expect(text).toMatch(/refused: policy\.immigration-recipient \(by the SDK's local check\)/);
    expect(text).toMatch(
      /refused: policy\.immigration-recipient \(by the node \(SDK check off\)\)/,
    );
    expect(text).toContain("at /body/persons/0/immigration/passportNumber policy.firewall");
    // The firewall holds for the multi-role ministries (FRX-POL-037) and for evidence (FRX-POL-038).
    for (const ministry of ["LA:MOLSW", "KH:MOLVT"])
      expect(text).toMatch(
        new RegExp(`→ ${ministry} .*refused: policy\\.firewall \\(by the node\\)`),
      );
    expect(text).toMatch(/refused: policy\.immigration-recipient \(by the node\)/);
    // The outage lost nothing: the message queued while KH was down arrived, verified; the
    // one that expired meanwhile was reported to its sender.
    expect(text).toMatch(
      /TH:NODE\s+→ TH:DOE\s+delivery\.failed\s+✓ in inbox, verified · .* expired/,
    );
    expect(text).toMatch(
      /KH node restarted[\s\S]*KH:MOLVT\s+✓ in inbox, signed by TH:DOE, verified/,
    );
    expect(text).toMatch(
      /LA public registry \(signed by LA\): Savan Manpower Supply Sole Co\., Ltd\. — LICENCE_REVOCATION/,
    );
    expect(text).toMatch(/TH: audit chain of \d+ entries verified/);
    expect(result.messages).toBeGreaterThanOrEqual(50);
  }, 180_000);

  it("sends a payslip PDF and a video statement TH → LA, checked in Laos against the signed descriptor", () => {
    const text = result!.lines.join("\n");
    for (const [name, type] of [
      ["payslip.pdf", "application/pdf"],
      ["statement.avi", "video/vnd.avi"],
    ]) {
      const up = new RegExp(`TH:ATPD uploaded ${escape(name)} \\(${escape(type)}, (\\d+) bytes, sha256 ([0-9a-f]{16})…\\)`).exec(text); // prettier-ignore
      expect(up).not.toBeNull();
      expect(text).toMatch(
        new RegExp(
          `LA:ATD downloaded ${escape(name)}: ${up![1]} bytes, sha256 ${up![2]}[0-9a-f]{48} = the descriptor TH:ATPD signed ✓`,
        ),
      );
    }
    expect(text).toMatch(/TH:ATPD's timeline for it: .*files in transit to LA → delivered to LA/);
    expect(text).toMatch(
      /LA custody of [0-9a-f]{12}…: TH:ATPD collected → .* → LA:ATD received at LA/,
    );
  });

  it("escalates a missed deadline, transfers the case home, pays the claim and closes referrals", () => {
    const text = result!.lines.join("\n");
    expect(text).toMatch(/LA:NODE\s+→ LA:ATD\s+deadline\.reminder\s+✓ in inbox/);
    expect(text).toMatch(
      /LA:NODE\s+→ LA:ATD\s+deadline\.overdue\s+✓ in inbox, verified · acknowledge due/,
    );
    played(
      text,
      /LA:NODE\s+→ TH:DOE\s+deadline\.overdue\s+✓ in inbox, verified · acknowledge due/,
      "the escalation to TH:DOE from LA's node",
    );
    expect(text).toMatch(/referral\.close\s+✓ closed: investigation_opened/);
    expect(text).toMatch(/referral\.close\s+✓ closed: person_returned_home/);
    expect(text).toContain("case owner before: TH:DOE");
    expect(text).toContain("case owner now: LA:MOLSW at TH, LA:MOLSW at LA");
    expect(text).toMatch(
      /TH:DOE\s+→ KH:MOLVT\s+case\.transfer\s+✗ refused: state\.actor-forbidden/,
    );
    expect(text).toMatch(/claim paid: 54000\.00 THB paid of 54000\.00 THB/);
    expect(text).toMatch(
      /LA:MOLSW's view of claim .*: paid, awarded 54000\.00 THB, paid 54000 THB; instalment 1: 30000 THB on \S+; instalment 2: 24000 THB on /,
    );
    played(
      text,
      /TH:NODE\s+→ TH:DOE\s+deadline\.overdue\s+✓ in inbox, verified · payment due \S+ · instalment 2/,
      "the node's own overdue notice for the second instalment",
    );
    played(
      text,
      /TH: Chok Anan Fishery Co\., Ltd\. — EMPLOYER_MIGRANT_HIRING_BAN by TH:DOE, signed by TH, verified ✓[\s\S]*answer: yes, EMPLOYER_MIGRANT_HIRING_BAN \(TH\) in force/,
      "LA:DOSM's federation-wide lookup of Chok Anan Fishery Co., Ltd. (0745561000123, TH)",
    );
  });

  it("uses every message type of the spec at least once, and says so", () => {
    expect([...result!.typesUsed].sort()).toEqual([...messageTypeValues].sort());
    const n = messageTypeValues.length;
    const agencies = n - nodeMessageTypes.length;
    expect(result!.lines.join("\n")).toContain(
      `message types used: ${n} of the spec's ${n} (${agencies} sent by agencies, ${nodeMessageTypes.length} by nodes)`,
    );
  });
});
