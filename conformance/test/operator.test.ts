import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commandHook,
  commandStep,
  OperatorStepFailed,
  processSteps,
  StepFailed,
  StepNotOffered,
} from "../src/index.js";
import { operatorScript } from "../src/kit/operator.js";

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

describe("the restart and crash steps", () => {
  it("resolve on exit 0, skip on exit 3 (not offered) and fail on any other exit", async () => {
    await processSteps(`sh ${await script("exit 0")}`).restart();
    expect((await readFile(join(dir, "step"), "utf8")).trim()).toBe("restart");
    await expect(processSteps(`sh ${await script("exit 3")}`).crash()).rejects.toBeInstanceOf(
      StepNotOffered,
    );
    const failing = processSteps(`sh ${await script('echo "store locked" >&2; exit 1')}`);
    await expect(failing.crash()).rejects.toThrow(/crash failed \(exit 1\):[\s\S]*store locked/);
    await expect(failing.crash()).rejects.toBeInstanceOf(StepFailed);
  });

  /** A stand-in for frx-node start: writes DIR/admin.json with its pid, says it listens, notes a SIGTERM. */
  const FAKE_NODE = [
    'DIR="$3"',
    'echo "{\\"url\\":\\"http://127.0.0.1:1\\",\\"pid\\":$$}" > "$DIR/admin.json"',
    'trap \'echo "$$" >> "$DIR/terminated"; rm -f "$DIR/admin.json"; exit 0\' TERM',
    'echo "node XX listening on http://127.0.0.1:1"',
    "while :; do sleep 0.1; done",
  ].join("\n");

  it("in the kit's script, restart stops the node with SIGTERM and crash with SIGKILL, each starting it again", async () => {
    const node = join(dir, "node");
    await mkdir(node);
    await writeFile(join(dir, "fake-node.sh"), FAKE_NODE + "\n");
    await writeFile(join(dir, "operator.sh"), operatorScript());
    const hook = commandHook(`FRX_NODE='sh ${dir}/fake-node.sh' sh ${dir}/operator.sh ${node}`);
    const pid = async () =>
      (JSON.parse(await readFile(join(node, "admin.json"), "utf8")) as { pid: number }).pid;
    const alive = (p: number) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    };
    await hook.restart!(); // nothing runs yet: it starts the node
    const first = await pid();
    try {
      await hook.restart!();
      const second = await pid();
      expect(second).not.toBe(first);
      expect(alive(first)).toBe(false);
      expect((await readFile(join(node, "terminated"), "utf8")).trim()).toBe(String(first));
      await hook.crash!();
      const third = await pid();
      expect(third).not.toBe(second);
      expect(alive(second)).toBe(false);
      // SIGKILL left the node no chance to note anything.
      expect((await readFile(join(node, "terminated"), "utf8")).trim()).toBe(String(first));
      expect(alive(third)).toBe(true);
    } finally {
      const last = await pid().catch(() => undefined);
      if (last) process.kill(last, "SIGKILL");
    }
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
