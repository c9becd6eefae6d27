import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, thaiNode, type Envelope, type TestNode } from "./harness.js";

let t: TestNode;
beforeEach(async () => {
  t = await thaiNode();
});
afterEach(async () => t.node.close());

type Entry = { entryId: string; status: string; decision: Record<string, unknown> };
const registry = async (): Promise<Entry[]> =>
  ((await (await t.node.app.request("/v1/registry")).json()) as { registry: { entries: Entry[] } })
    .registry.entries;

let n = 0;
/** A fresh envelope id and entry id (ULIDs of the fixtures' alphabet). */
const fresh = (env: Envelope, key: "entryId" | "sanctionId"): Envelope => {
  n += 1;
  const suffix = String(n).padStart(4, "0");
  env.id = `${env.id.slice(0, 22)}${suffix}`;
  env.body[key] = `${String(env.body[key]).slice(0, 22)}${suffix}`;
  return env;
};
const entry = () => {
  const env = fresh(fixture("registry.entry"), "entryId");
  env.to = [{ participant: "TH:NCC" }];
  return env;
};
const decision = (env: Envelope) => env.body.decision as Record<string, unknown>;

const refusal = async (env: Envelope) => {
  const res = await t.submit(t.sign(env));
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
};

describe("the public sanctions registry: who may publish and change an entry (FRX-POL-029..303)", () => {
  it("refuses an entry in another agency's name, and publishes nothing", async () => {
    const env = entry();
    env.from = "TH:DSDW";
    expect(await refusal(env)).toEqual({ status: 403, code: "registry.issuer-mismatch" });
    expect(await registry()).toEqual([]);
  });

  it("refuses a public sanction whose imposing authority is another agency", async () => {
    const env = fresh(fixture("sanction.notify"), "sanctionId");
    env.from = "TH:DOE";
    env.to = [{ participant: "TH:ATPD" }];
    expect(await refusal(env)).toEqual({ status: 403, code: "registry.issuer-mismatch" });
    expect(await registry()).toEqual([]);
  });

  it("refuses an entry in the sender's own name for a kind its directory powers do not allow", async () => {
    const env = entry();
    env.from = "TH:DSDW";
    decision(env).authority = "TH:DSDW";
    expect(await refusal(env)).toEqual({ status: 403, code: "registry.power-missing" });
    expect(await registry()).toEqual([]);
  });

  it("refuses another agency republishing the regulator's entry under its id as lifted", async () => {
    const original = entry();
    expect((await t.submit(t.sign(original))).status).toBe(201);
    const forged = entry();
    forged.body.entryId = original.body.entryId;
    forged.from = "TH:DOE";
    forged.body.status = "lifted";
    Object.assign(decision(forged), {
      authority: "TH:DOE",
      kind: "IMPROVEMENT_NOTICE",
      imposingAuthorityType: "labour_inspectorate",
    });
    expect(await refusal(forged)).toEqual({ status: 403, code: "registry.not-issuer" });
    const lifting = entry();
    lifting.from = "TH:DOE";
    lifting.body.status = "lifted";
    lifting.body.supersedes = original.body.entryId;
    Object.assign(decision(lifting), {
      authority: "TH:DOE",
      kind: "IMPROVEMENT_NOTICE",
      imposingAuthorityType: "labour_inspectorate",
    });
    expect(await refusal(lifting)).toEqual({ status: 403, code: "registry.not-issuer" });
    expect((await registry()).map((e) => [e.entryId, e.status])).toEqual([
      [original.body.entryId, "published"],
    ]);
  });

  it("lets the issuer lift its own entry, and records the sender as authority when none is named", async () => {
    const original = entry();
    delete decision(original).authority;
    expect((await t.submit(t.sign(original))).status).toBe(201);
    const lifted = entry();
    lifted.body.entryId = original.body.entryId;
    lifted.body.status = "lifted";
    delete decision(lifted).authority;
    expect((await t.submit(t.sign(lifted))).status).toBe(201);
    const entries = await registry();
    expect(entries.map((e) => [e.entryId, e.status, e.decision.authority])).toEqual([
      [original.body.entryId, "lifted", "TH:DOE-REG"],
    ]);
  });
});
