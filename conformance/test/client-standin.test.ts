import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, signEnvelope } from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goodLocal } from "../src/client/inbox-items.js";
import { Ledger } from "../src/client/ledger.js";
import { standInApp } from "../src/client/standin-app.js";
import { makeWorld, type ClientWorld } from "../src/client/world.js";
import { build } from "../src/harness/fixtures.js";
import { loadKit, makeKit } from "../src/index.js";

let scratch: string;
let world: ClientWorld;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "frx-standin-test-"));
  await makeKit({ out: join(scratch, "kit"), nodeId: "TH" });
  world = makeWorld(await loadKit(join(scratch, "kit")), "http://127.0.0.1:9");
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The stand-in node with one planted referral, and the client's signed acknowledgement of it. */
function setUp() {
  const ledger = new Ledger();
  const item = goodLocal(world);
  const app = standInApp({ world, ledger, items: [item], jtis: new Set() });
  const ack = build(
    "referral-acknowledge-ok",
    {
      VS: world.participant,
      LI: item.record.referrer,
      CASE: item.record.case,
      REFERRAL: item.record.referral,
    },
    { sequence: 2 },
  );
  const jws = signEnvelope(ack, createSigner(world.clientKey));
  const submit = (type = "application/jose") =>
    app.request("/v1/envelopes", { method: "POST", body: jws, headers: { "content-type": type } });
  return { ledger, submit, app };
}

describe("the client profile's stand-in node", () => {
  it("answers as a node does: stored once, then the same receipt as a duplicate", async () => {
    const { ledger, submit } = setUp();
    const first = await submit();
    expect(first.status).toBe(201);
    const { receipt } = (await first.json()) as { receipt: string };
    const again = await submit();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate", receipt });
    expect(ledger.submissions.map((s) => s.invalid)).toEqual([undefined, undefined]);
  });

  it("refuses a submission that is not application/jose (FRX-ENV-025), and the ledger says why", async () => {
    const { ledger, submit } = setUp();
    const res = await submit("text/plain");
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: "request.media-type" });
    expect(ledger.submissions[0]?.invalid).toMatch(/^request\.media-type/);
  });

  it("refuses an inbox read without a token, and records the token's absence", async () => {
    const { ledger, app } = setUp();
    const res = await app.request("/v1/inbox");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "auth.token-missing" });
    expect(ledger.tokens[0]?.verdict.code).toBe("auth.token-missing");
  });
});
