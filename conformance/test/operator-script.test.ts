import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSigningKey } from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandStep, KIT_FILES, makeKit, NOT_OFFERED_EXIT } from "../src/index.js";

/** The built frx-node of this checkout (npm run build first), as the kit's script runs it. */
const FRX_NODE = fileURLToPath(new URL("../../node/bin/frx-node.js", import.meta.url));

let dir: string;
let step: ReturnType<typeof commandStep>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "frx-op-script-"));
  await makeKit({ out: join(dir, "kit"), nodeId: "TH" });
  const init = spawnSync(
    process.execPath,
    [FRX_NODE, "init", "--dir", join(dir, "node"), "--node", "TH"],
    {
      encoding: "utf8",
    },
  );
  expect(init.status, init.stderr).toBe(0);
  const script = join(dir, "kit", KIT_FILES.operatorScript);
  step = commandStep(
    `FRX_NODE='${process.execPath} ${FRX_NODE}' sh '${script}' '${join(dir, "node")}'`,
    60_000,
  );
}, 60_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("the kit's operator-reference-node.sh, run with frx-node on a stopped node's store", () => {
  it("takes the agency and key steps, and passes the node's refusals on with their codes", async () => {
    const first = generateSigningKey();
    const id = "TH:CONF-OP-SCRIPT";
    const registration = {
      id,
      name: "Script test agency",
      roles: ["labour_attache"],
      orgType: "CentralGovernmentOrganisation",
      immigrationFunctions: false,
      powers: ["licence_suspension"],
      publicJwk: first.publicJwk,
      sanctionRegimes: [{ kind: "LICENCE_SUSPENSION", legalReference: "s. 1" }],
    };
    expect(await step({ step: "add-agency", registration })).toEqual({ done: true, output: null });
    expect(
      await step({ step: "add-agency", registration: { ...registration, id: "TH:CONF-OP-TWO" } }),
    ).toMatchObject({ done: false, code: "admin.key-in-use" });
    expect(await step({ step: "update-agency", change: { id, powers: [] } })).toMatchObject({
      done: false,
      code: "request.malformed",
    });
    const next = generateSigningKey();
    expect(await step({ step: "rotate-agency-key", id, publicJwk: next.publicJwk })).toEqual({
      done: true,
      output: null,
    });
    const kid = first.publicJwk.kid!;
    expect(
      await step({ step: "revoke-agency-key", id, kid, revokedAt: "yesterday" }),
    ).toMatchObject({ done: false, code: "request.malformed" });
    expect(
      await step({ step: "revoke-agency-key", id, kid, revokedAt: new Date().toISOString() }),
    ).toEqual({ done: true, output: null });
    expect(
      await step({ step: "add-operator", name: "probe", publicJwk: next.publicJwk }),
    ).toMatchObject({ done: false, code: "admin.key-in-use" });
    expect(await step({ step: "disable-agency", id })).toEqual({ done: true, output: null });
  }, 240_000);

  it("takes the dead-letter, hold and erasure steps, printing what the suite reads", async () => {
    expect(await step({ step: "list-dead-letters" })).toEqual({ done: true, output: [] });
    expect(
      await step({
        step: "retry-dead-letter",
        peer: "XA",
        messageId: "01JF0000000000000000000000",
      }),
    ).toMatchObject({ done: false, code: "request.not-found" });
    expect(
      await step({
        step: "place-hold",
        case: "TH:CONF-LI:01JF0000000000000000000000",
        reason: "r",
      }),
    ).toMatchObject({ done: false, code: "request.not-found" });
    const erased = await step({
      step: "erase-person",
      personRef: "pp_ConformanceScriptPerson01",
      reason: "a request",
    });
    expect(erased).toMatchObject({ done: true, output: { messages: [] } });
  }, 240_000);

  it("answers a step it does not know with exit 3, not offered", () => {
    const script = join(dir, "kit", KIT_FILES.operatorScript);
    const r = spawnSync("sh", [script, join(dir, "node"), "no-such-step", "x"], {
      encoding: "utf8",
    });
    expect([r.status, r.stderr]).toEqual([
      NOT_OFFERED_EXIT,
      expect.stringContaining("no-such-step"),
    ]);
  });
});
