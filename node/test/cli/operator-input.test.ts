import { generateSigningKey } from "@frx/spec";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rotateParticipantKey } from "../../src/admin/participants.js";
import { readConfig } from "../../src/config/config.js";
import { readNodeKeys } from "../../src/config/keys.js";
import { keyEntry } from "../../src/domain/directory.js";
import { createNode } from "../../src/node.js";
import { memoryLogger } from "../../src/runtime/logger.js";
import { thaiNode } from "../harness.js";
import { addDoe, agencyKey, cli, initNode, removeTempDirs, tempDir } from "./helpers.js";

afterEach(removeTempDirs);

const FORGED =
  "Labour\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\nTH:FAKE  active  x";

describe("what an operator types (issue 18, finding 8)", () => {
  it("FRX-FED-072: agency add refuses a name with control characters", async () => {
    const dir = await initNode();
    const r = await addDoe(dir);
    expect(r.code, r.stderr).toBe(0);
    const { file } = await agencyKey();
    const bad = await cli(
      "agency",
      "add",
      "--dir",
      dir,
      "--id",
      "TH:X",
      "--name",
      FORGED,
      "--roles",
      "labour_inspectorate",
      "--org-type",
      "LabourInspectorate",
      "--key",
      file,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("control characters");
  });

  it("agency list escapes control characters in a stored name, so it cannot forge a row", async () => {
    const dir = await initNode();
    // A name stored by an older frx-node, which did not refuse it.
    const node = await createNode({
      config: await readConfig(dir),
      keys: await readNodeKeys(dir),
      dir,
      logger: memoryLogger(),
    });
    const at = "2026-03-02T09:45:00.000Z";
    const record = {
      id: "TH:DOE",
      name: FORGED,
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      immigrationFunctions: false,
      powers: [],
      acceptedTypes: [],
      status: "active" as const,
      coordinator: false,
      keys: [keyEntry(generateSigningKey().publicJwk, at)],
      createdAt: at,
      updatedAt: at,
    };
    await node.ctx.store.commit(node.ctx.directory.putOps(record, undefined));
    await node.close();
    const list = await cli("agency", "list", "--dir", dir);
    expect(list.code, list.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex -- no raw control character but the newlines
    expect(list.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u);
    expect(list.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(list.stdout).toContain("\\u{1b}]8;;https://evil.example\\u{7}");
  });

  it("FRX-FED-072: refuses a name longer than the directory allows, and duplicate roles", async () => {
    const t = await thaiNode();
    const base = {
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      publicJwk: generateSigningKey().publicJwk,
    };
    const { registerParticipant } = await import("../../src/admin/participants.js");
    await expect(
      registerParticipant(t.node.ctx, { ...base, id: "TH:LONG", name: "x".repeat(201) }),
    ).rejects.toMatchObject({ code: "request.malformed" });
    await expect(
      registerParticipant(t.node.ctx, {
        ...base,
        id: "TH:DUP",
        name: "dup",
        roles: ["labour_inspectorate", "labour_inspectorate"],
      }),
    ).rejects.toMatchObject({ code: "request.malformed" });
    expect((await t.node.app.request("/v1/directory")).status).toBe(200);
    await t.node.close();
  });

  it("FRX-FED-072: refuses an agency's eleventh key, and the directory stays servable", async () => {
    const t = await thaiNode();
    for (let i = 0; i < 9; i++)
      await rotateParticipantKey(t.node.ctx, "TH:DOE", generateSigningKey().publicJwk);
    await expect(
      rotateParticipantKey(t.node.ctx, "TH:DOE", generateSigningKey().publicJwk),
    ).rejects.toMatchObject({
      code: "request.malformed",
      message: expect.stringContaining("at most 10 keys"),
    });
    expect((await t.node.app.request("/v1/directory")).status).toBe(200);
    expect((await t.node.app.request("/federation/v1/directory")).status).toBe(200);
    await t.node.close();
  });

  it("init refuses a name its metadata could not publish", async () => {
    const dir = join(await tempDir(), "long");
    const r = await cli("init", "--dir", dir, "--node", "TH", "--name", "x".repeat(201));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--name must be 1 to 200 characters");
  });
});
