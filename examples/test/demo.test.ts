import { afterAll, describe, expect, it } from "vitest";
import { runDemo, type DemoResult } from "../src/demo/run.js";

let result: DemoResult | undefined;
afterAll(async () => result?.federation.close());

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
      "Action 8",
      "Action 9",
      "Firewall",
      "Outage",
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
    // The outage lost nothing: the message queued while KH was down arrived, verified.
    expect(text).toMatch(
      /KH node restarted[\s\S]*KH:MOLVT\s+✓ in inbox, signed by TH:DOE, verified/,
    );
    expect(text).toMatch(/claim paid: 54000\.00 THB paid of 54000\.00 THB/);
    expect(text).toMatch(
      /LA public registry \(signed by LA\): Savan Manpower Supply Sole Co\., Ltd\. — LICENCE_REVOCATION/,
    );
    expect(text).toMatch(/TH: audit chain of \d+ entries verified/);
    expect(result.messages).toBeGreaterThanOrEqual(30);
  }, 120_000);
});
