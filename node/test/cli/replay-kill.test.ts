import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createSigner, type PrivateJwk } from "@frx/spec";
import { SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readNodeDir } from "../../src/cli/node-dir.js";
import { createNode, memoryLogger } from "../../src/index.js";
import { agencyKey, cli, initNode, removeTempDirs } from "./helpers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const main = join(root, "node", "dist", "cli", "main.js");
let buildOutput = "";

beforeAll(async () => {
  // The node runs as the built bin, in a process of its own that the test kills.
  await promisify(execFile)("npx", ["tsc", "-b"], { cwd: root }).catch(
    (error: { stdout?: string }) => void (buildOutput = error.stdout ?? String(error)),
  );
}, 240_000);

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await removeTempDirs();
});

function listening(c: ChildProcess): Promise<string> {
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    c.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    c.stderr!.on("data", (chunk: Buffer) => void (err += chunk.toString()));
    c.once("exit", (code) => reject(new Error(`start exited ${code}: ${err}`)));
  });
}

async function token(privateJwk: PrivateJwk): Promise<string> {
  const signer = createSigner(privateJwk);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "Ed25519", typ: "frx-agency+jwt", kid: signer.kid })
    .setIssuer("TH:DOE")
    .setAudience("TH")
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .setJti(crypto.randomUUID())
    .sign(signer.privateKey);
}

describe("a token used just before the node's process is killed (FRX-API-032)", () => {
  it("is refused after a restart, though its jti was written without an fsync", async (ctx) => {
    if (!existsSync(main)) ctx.skip(`${main} is missing; npx tsc -b failed:\n${buildOutput}`);
    const dir = await initNode();
    const key = await agencyKey();
    const added = await cli(
      ...["agency", "add", "--dir", dir, "--id", "TH:DOE", "--name", "Department of Labour"],
      ...["--roles", "labour_inspectorate", "--org-type", "LabourInspectorate", "--key", key.file],
    );
    expect(added.code, added.stderr).toBe(0);

    child = spawn(process.execPath, [main, "start", "--dir", dir, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await listening(child);
    const used = await token(key.privateJwk);
    const read = await fetch(`${url}/v1/inbox`, { headers: { authorization: `Bearer ${used}` } });
    expect(read.status).toBe(200);
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;

    const { config, keys } = await readNodeDir(dir);
    const logger = memoryLogger();
    const node = await createNode({ config, keys, dir, logger });
    try {
      const again = await node.app.request("/v1/inbox", {
        headers: { authorization: `Bearer ${used}` },
      });
      expect(again.status).toBe(401);
      expect(((await again.json()) as { code: string }).code).toBe("auth.token-replayed");
      // The machine did not stop, only the process: no fence, a fresh token is served.
      expect(logger.lines.some((l) => l.event === "replay.fenced")).toBe(false);
      const fresh = await node.app.request("/v1/inbox", {
        headers: { authorization: `Bearer ${await token(key.privateJwk)}` },
      });
      expect(fresh.status).toBe(200);
    } finally {
      await node.close();
    }
  });
});
