import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sdkErrorCodeValues } from "../src/index.js";
import { sendFirstReferral } from "../examples/first-referral.js";
import { startNode, type LiveNode } from "./support/live-node.js";

const sdk = new URL("../", import.meta.url);
let live: LiveNode;
beforeAll(async () => {
  live = await startNode({ systemClock: true }); // the example runs on real time, as it would
});
afterAll(async () => live.close());

describe("README: send your first referral", () => {
  it("shows exactly the code of examples/first-referral.ts", async () => {
    const readme = await readFile(new URL("README.md", sdk), "utf8");
    const example = await readFile(new URL("examples/first-referral.ts", sdk), "utf8");
    expect(readme).toContain("```ts\n" + example + "```");
  });

  it("lists every SDK error code in its table", async () => {
    const readme = await readFile(new URL("README.md", sdk), "utf8");
    for (const code of sdkErrorCodeValues) expect(readme).toContain(`| \`${code}\` |`);
  });

  it("runs against a node and gets a verified receipt, the referral received", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const referral = await sendFirstReferral(live.url, live.keys.get("TH:DOE")!);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(`referral ${referral.referral}`));
    log.mockRestore();
    expect(referral.status).toBe("accepted");
    expect(referral.receipt.deliveredTo).toEqual(["TH:DSDW"]);
    const view = await live.client("TH:DSDW").cases.get(referral.case);
    expect(view.referrals[0]).toMatchObject({ referral: referral.referral, state: "received" });
  });
});
