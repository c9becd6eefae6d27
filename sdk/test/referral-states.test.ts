import { describe, expect, it } from "vitest";
import { MessageType, type AnyMessage } from "@frx/spec";
import { ReferralStates } from "../src/referral-state.js";
import type { Http } from "../src/http.js";

const create = (n: number): AnyMessage =>
  ({
    type: MessageType.ReferralCreate,
    from: "TH:DOE",
    to: [{ participant: "LA:MOLSW" }],
    case: "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0",
    referral: `R${n}`,
    sequence: 1,
    sentAt: "2026-03-02T09:00:00Z",
    body: { urgency: "routine" },
  }) as unknown as AnyMessage;

// No HTTP is needed while every referral asked for is remembered; a forgotten one is fetched.
const offline = {
  json: () => Promise.reject(new Error("fetched from the node")),
} as unknown as Http;

describe("the SDK's referral memory is bounded (issue 17: a client runs for months)", () => {
  it("keeps at most its limit, forgetting the least recently used first", async () => {
    const states = new ReferralStates(offline, "TH:DOE", 3);
    for (let n = 1; n <= 3; n++) states.observe(create(n));
    const ref = (n: number) => ({ case: "TH:DOE:01JNB5X8Q2M3N4P5R6S7T8V9W0", referral: `R${n}` });
    await states.get(ref(1), {}); // R1 is now the most recently used
    states.observe(create(4));
    expect(states.size).toBe(3);
    await expect(states.get(ref(1), {})).resolves.toMatchObject({ referral: "R1" });
    await expect(states.get(ref(4), {})).resolves.toMatchObject({ referral: "R4" });
    await expect(states.get(ref(2), {})).rejects.toThrow(); // forgotten: asked of the node
  });

  it("stays at its limit however many referrals pass through", () => {
    const states = new ReferralStates(offline, "TH:DOE", 100);
    for (let n = 0; n < 5000; n++) states.observe(create(n));
    expect(states.size).toBe(100);
  });
});
