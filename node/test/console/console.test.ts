import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  createSigner,
  draftTrustList,
  generateSigningKey,
  signTrustList,
  trustListDigest,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signOperatorToken } from "../../src/index.js";
import { adminOf, freshReferral, type Admin } from "../admin/admin-helpers.js";
import { Cluster, eventually } from "../federation/cluster.js";
import type { Envelope } from "../harness.js";
import { hasChromium, launch, screenshotDir } from "./browser.js";

let cluster: Cluster;
let admin: Admin;
let browser: Awaited<ReturnType<typeof launch>>;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  cluster = await Cluster.start(["TH", "LA"]);
  admin = await adminOf(cluster.get("TH"));
  browser = await launch();
  page = await browser.context.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await cluster?.close();
});

async function shot(name: string): Promise<void> {
  if (!screenshotDir) return;
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `console-${name}.png`), fullPage: true });
}

/** The next trust list version, signed by `signers`, with `change` applied. */
function next(
  previous: { signed: SignedTrustList; list: Types.TrustList },
  change: (l: Types.TrustList) => Types.TrustList,
  signers: string[],
) {
  const list = change({
    ...structuredClone(previous.list),
    version: previous.list.version + 1,
    previousDigest: trustListDigest(previous.signed),
    issuedAt: "2026-03-02T09:30:00Z",
  });
  const signed = signers.reduce(
    (s, cc) => signTrustList(s, createSigner(cluster.get(cc).keys.signing)),
    draftTrustList(list),
  );
  return { signed, list };
}

/** A referral addressed to the Lao labour ministry, with consent to share abroad. */
function toLa(env: Envelope): Envelope {
  env.to = [{ participant: "LA:MOLSW" }];
  (env.body as { consent: { audiences: string[] } }).consent.audiences = [
    "domestic_authorities",
    "service_providers",
    "foreign_authorities",
  ];
  return env;
}

describe.skipIf(!hasChromium)("the operator console in headless Chromium", () => {
  it("signs in with an operator token and shows health, trust list, peers and agencies", async () => {
    const th = cluster.get("TH");
    await page.goto(th.node.adminUrl!);
    const token = await signOperatorToken(admin.operator, "ops", "TH", th.clock.now());
    await page.getByLabel(/Operator token/).fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Signed in as ops");
    expect(await page.locator("#trust-summary").textContent()).toContain("Version 1");
    expect(await page.locator("#peers").textContent()).toContain("LA");
    expect(await page.locator("#agencies").textContent()).toContain("TH:DOE");
    await shot("overview");
  });

  it("adds an agency and disables it, from the keyboard", async () => {
    const { publicJwk } = generateSigningKey();
    await page.getByLabel("Id (CC:CODE)").fill("TH:LPD");
    await page.getByLabel("Name", { exact: true }).fill("Provincial labour office");
    await page.getByLabel(/Roles/).fill("labour_inspectorate");
    await page.getByLabel("Organisation type").fill("LabourInspectorate");
    await page.getByLabel("Public key (JWK)", { exact: true }).fill(JSON.stringify(publicJwk));
    await page.getByRole("button", { name: "Add agency" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("status").textContent()).toBe("TH:LPD added");
    await page.getByRole("button", { name: "Disable TH:LPD" }).focus();
    await page.keyboard.press("Space");
    await expect.poll(() => page.getByRole("status").textContent()).toBe("TH:LPD disabled");
    expect((await cluster.get("TH").node.ctx.directory.get("TH:LPD"))?.status).toBe("disabled");
  });

  it("shows a dead letter and retries it after its peer returns; the envelope reaches the peer", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    // One referral while LA is up, so TH knows LA's directory; then LA goes down.
    const warm = toLa(freshReferral(th));
    expect((await th.submit(th.sign(warm))).status).toBe(201);
    await eventually(
      async () => (await la.node.ctx.store.get("messages", warm.id)) !== undefined,
      "the first referral stored at LA",
    );
    await cluster.stop("LA");
    const env = toLa(freshReferral(th));
    expect((await th.submit(th.sign(env))).status).toBe(201);

    // The federation suspends the unreachable member: TH gives the envelope up as a dead letter.
    const v1 = { signed: cluster.trust, list: cluster.trustList };
    const v2 = next(
      v1,
      (l) => ({
        ...l,
        quorum: 1,
        members: l.members.map((m) => (m.node === "LA" ? { ...m, status: "suspended" } : m)),
      }),
      ["TH", "LA"],
    );
    await th.node.applyTrustList(v2.signed);
    await eventually(
      async () => (await th.node.ctx.store.range("deadLetters")).length === 1,
      "the dead letter at TH",
    );
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect.poll(() => page.locator("#dead-letters").textContent()).toContain(env.id);
    await shot("dead-letter");

    // LA comes back, and version 3 makes it active again.
    const back = await cluster.boot("LA", la);
    const v3 = next(
      v2,
      (l) => ({
        ...l,
        members: l.members.map((m) => (m.node === "LA" ? { ...m, status: "active" } : m)),
      }),
      ["TH"],
    );
    await back.node.applyTrustList(v2.signed);
    await back.node.applyTrustList(v3.signed);
    await th.node.applyTrustList(v3.signed);

    await page.getByRole("button", { name: `Retry ${env.id}` }).click();
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toContain("queued again for LA");
    await eventually(
      async () => (await back.node.ctx.store.get("messages", env.id)) !== undefined,
      "the retried envelope stored at LA",
    );
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect
      .poll(() => page.locator("#dead-letters").textContent())
      .toContain("No dead letters.");
  });

  it("verifies the audit log on request", async () => {
    await page.getByRole("button", { name: "Verify the audit log" }).click();
    await expect.poll(() => page.locator("#audit").textContent()).toMatch(/^ok: \d+ entries/);
    await shot("audit");
  });

  it("refuses a console call without its header, and the console page itself is under a strict CSP", async () => {
    const res = await page.request.get(`${cluster.get("TH").node.adminUrl}/admin/api/agencies`);
    expect(res.status()).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe("auth.forbidden");
    const doc = await page.request.get(cluster.get("TH").node.adminUrl!);
    expect(doc.headers()["content-security-policy"]).toContain("script-src 'self'");
  });
});
