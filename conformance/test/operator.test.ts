import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandHook } from "../src/index.js";

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
