import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandHook, commandStep, OperatorStepFailed, StepNotOffered } from "../src/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "frx-op-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A fake operator command: records its arguments and the file, then answers as told. */
async function script(answer: string): Promise<string> {
  const file = join(dir, `op-${Math.random().toString(36).slice(2)}.sh`);
  await writeFile(
    file,
    `#!/bin/sh\necho "$1" > "${dir}/step"\ncp "$2" "${dir}/got.json"\n${answer}\n`,
  );
  await chmod(file, 0o755);
  return file;
}

describe("the --operator command", () => {
  const list = { payload: "eyJ2IjoxfQ", signatures: [] };

  it("is called with the step and a file holding the version; exit 0 means applied", async () => {
    const hook = commandHook(`sh ${await script("exit 0")}`);
    expect(await hook.applyTrustList(list)).toEqual({ applied: true });
    expect((await readFile(join(dir, "step"), "utf8")).trim()).toBe("apply-trust-list");
    expect(JSON.parse(await readFile(join(dir, "got.json"), "utf8"))).toEqual(list);
  });

  it("reads a refusal's code from what the command printed last", async () => {
    const hook = commandHook(
      `sh ${await script('echo "checking trust.list-invalid first" ; echo "frx-node trust apply: too few signatures (trust.quorum-not-met)" >&2; exit 1')}`,
    );
    expect(await hook.applyTrustList(list)).toMatchObject({
      applied: false,
      code: "trust.quorum-not-met",
    });
    const silent = commandHook(`sh ${await script("exit 3")}`);
    expect(await silent.applyTrustList(list)).toMatchObject({
      applied: false,
      code: "(none printed)",
    });
  });

  it("signs in place: the suite reads the file back after exit 0, and a failure is no signature", async () => {
    const signed = { ...list, signatures: [{ protected: "e30", signature: "AA" }] };
    const hook = commandHook(
      `sh ${await script(`printf '%s' '${JSON.stringify(signed)}' > "$2"; exit 0`)}`,
    );
    expect(await hook.signTrustList(list)).toEqual(signed);
    expect((await readFile(join(dir, "step"), "utf8")).trim()).toBe("sign-trust-list");
    const refusing = commandHook(
      `sh ${await script('echo "refusing (trust.own-entry-mismatch)"; exit 1')}`,
    );
    await expect(refusing.signTrustList(list)).rejects.toThrow(
      /did not sign the version \(exit 1\)/,
    );
  });
});

describe("the --operator command's other steps", () => {
  /** A fake command: records its arguments (one a line) and the last one's content, then answers. */
  async function recorder(answer: string): Promise<string> {
    const file = join(dir, `step-${Math.random().toString(36).slice(2)}.sh`);
    await writeFile(
      file,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\neval "last=\\\${$#}"\ncp "$last" "${dir}/doc.json" 2>/dev/null || true\n${answer}\n`,
    );
    return `sh ${file}`;
  }
  const args = async () => (await readFile(join(dir, "args"), "utf8")).trim().split("\n");

  it("passes the step, its arguments, and its document as a file after them", async () => {
    const step = commandStep(await recorder("exit 0"));
    const publicJwk = { kty: "OKP", crv: "Ed25519", x: "A".repeat(43) } as const;
    expect(await step({ step: "rotate-agency-key", id: "TH:X", publicJwk })).toEqual({
      done: true,
      output: null,
    });
    const [name, id, file] = await args();
    expect([name, id]).toEqual(["rotate-agency-key", "TH:X"]);
    expect(file).toMatch(/input\.json$/);
    expect(JSON.parse(await readFile(join(dir, "doc.json"), "utf8"))).toEqual(publicJwk);
    await step({
      step: "revoke-agency-key",
      id: "TH:X",
      kid: "k'1",
      revokedAt: "2026-12-07T10:00:00Z",
    });
    expect(await args()).toEqual(["revoke-agency-key", "TH:X", "k'1", "2026-12-07T10:00:00Z"]);
  });

  it("reads a printing step's JSON from stdout, and refuses one that prints none", async () => {
    const list = [{ peer: "XA", messageId: "01J", reason: "expired" }];
    const step = commandStep(
      await recorder(`echo 'working...' >&2; printf '%s' '${JSON.stringify(list)}'`),
    );
    expect(await step({ step: "list-dead-letters" })).toEqual({ done: true, output: list });
    const chatty = commandStep(await recorder("echo 'done, 0 dead letters'"));
    await expect(chatty({ step: "list-dead-letters" })).rejects.toBeInstanceOf(OperatorStepFailed);
  });

  it("takes exit 3 as a step not offered and any other exit as a refusal with the last code printed", async () => {
    const absent = commandStep(await recorder("exit 3"));
    await expect(absent({ step: "disable-agency", id: "TH:X" })).rejects.toBeInstanceOf(
      StepNotOffered,
    );
    const refusing = commandStep(
      await recorder(
        'echo "reading config.json"; echo "no such agency (request.not-found)" >&2; exit 1',
      ),
    );
    expect(await refusing({ step: "disable-agency", id: "TH:X" })).toMatchObject({
      done: false,
      code: "request.not-found",
    });
  });
});
