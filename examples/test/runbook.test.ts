import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const runbook = join(root, "examples", "runbook");

let folder = "";
let ports: { TH: number; LA: number; KH: number };

/** A port free on 127.0.0.1 right now (the OS picks it; the listener is closed again). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs one runbook script with sh, on this run's folder and ports; rejects when it exits non-zero. */
async function step(script: string, timeout = 120_000): Promise<string> {
  const { stdout } = await run("sh", [join(runbook, script), join(folder, "frx")], {
    cwd: root,
    timeout,
    env: {
      ...process.env,
      FRX_HOME: root,
      TH_PORT: String(ports.TH),
      LA_PORT: String(ports.LA),
      KH_PORT: String(ports.KH),
    },
  });
  return stdout;
}

async function readyz(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  // The scripts run the built CLI: build the node (and the spec it needs) if it is stale.
  await run("npx", ["tsc", "-b", "node"], { cwd: root, timeout: 170_000 });
  folder = await mkdtemp(join(tmpdir(), "frx-runbook-"));
  ports = { TH: await freePort(), LA: await freePort(), KH: await freePort() };
}, 180_000);

afterAll(async () => {
  if (!folder) return;
  // Always stop whatever 04 started, even when a check failed.
  try {
    await step("05-stop.sh", 60_000);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}, 90_000);

describe("the operator runbook (examples/runbook)", () => {
  it("01–03 create two nodes, federate them under a genesis both signed, and register agencies", async () => {
    expect(await step("01-init-nodes.sh")).toMatch(/initialised node TH[\s\S]*initialised node LA/);
    const trust = await step("02-trust.sh");
    expect(trust).toMatch(/genesis digest, as both operators read it: [0-9a-f]{64}/);
    expect(trust).toMatch(/quorum:\s+met: signed by LA, TH/);
    expect(trust).toMatch(/trust list version 1 \(genesis\): in force/);
    const config = JSON.parse(await readFile(join(folder, "frx", "LA", "config.json"), "utf8")) as {
      federation: { genesisDigest: string };
    };
    expect(trust).toContain(config.federation.genesisDigest);
    const agencies = await step("03-agencies.sh");
    for (const id of ["TH:DOE", "TH:DSDW", "LA:MOLSW", "LA:ATD"])
      expect(agencies).toContain(`registered ${id}`);
  }, 240_000);

  it("04 starts both nodes on loopback, ready with the trust list in force", async () => {
    const started = await step("04-start.sh");
    expect(started).toContain(`TH ready at http://127.0.0.1:${ports.TH}`);
    expect(started).toContain(`LA ready at http://127.0.0.1:${ports.LA}`);
    for (const port of [ports.TH, ports.LA]) {
      const { status, body } = await readyz(port);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: "ready", trustList: { state: "ok", version: 1 } });
    }
    // Each node serves its agencies in its signed directory.
    const res = await fetch(`http://127.0.0.1:${ports.LA}/v1/directory`);
    const { directory } = (await res.json()) as { directory: { participants: { id: string }[] } };
    expect(directory.participants.map((p) => p.id).sort()).toEqual(["LA:ATD", "LA:MOLSW"]);
  }, 180_000);

  it("06 adds an agency, revokes its key, adds KH at trust-list version 2 and reads the outbox, on running nodes", async () => {
    const before = (await readFile(join(folder, "frx", "run", "TH.pid"), "utf8")).trim();
    const out = await step("06-operate.sh", 240_000);
    expect(out).toContain("registered TH:LPD");
    expect(out).toMatch(/revoked TH:LPD's key \S+ as of/);
    expect(out).toMatch(
      /applied trust list version 2[\s\S]*members:\s+TH \(active\), LA \(active\), KH \(active\)/,
    );
    expect(out).toContain(`KH ready at http://127.0.0.1:${ports.KH}`);
    expect(out).toMatch(/^KH\s+active\s+0\s/m);
    expect(out).toContain("no dead letters");
    // No restart: TH is the same process, and its list in force is version 2 at once.
    expect((await readFile(join(folder, "frx", "run", "TH.pid"), "utf8")).trim()).toBe(before);
    for (const port of [ports.TH, ports.LA, ports.KH])
      expect((await readyz(port)).body).toMatchObject({ trustList: { version: 2 } });
    // The revoked key is gone from the directory peers see.
    const res = await fetch(`http://127.0.0.1:${ports.TH}/v1/directory`);
    const { directory } = (await res.json()) as {
      directory: { participants: { id: string; keys: unknown[] }[] };
    };
    expect(directory.participants.find((p) => p.id === "TH:LPD")?.keys).toHaveLength(1);
  }, 300_000);

  it("the operator guide shows exactly the commands 06 runs", async () => {
    const guide = await readFile(join(root, "docs", "operator-guide.md"), "utf8");
    const section = guide.slice(
      guide.indexOf("## Operating a running node"),
      guide.indexOf("## The operator console"),
    );
    const script = joined(await readFile(join(runbook, "06-operate.sh"), "utf8"));
    const commands = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
      joined(m[1]!).filter((l) => l.startsWith("frx-node ")),
    );
    expect(commands.length).toBeGreaterThan(10);
    for (const c of commands) expect(script).toContain(c.replace(/^frx-node /, "frx "));
  });

  it("05 stops all three", async () => {
    const stopped = await step("05-stop.sh", 60_000);
    expect(stopped).toMatch(/TH stopped[\s\S]*LA stopped[\s\S]*KH stopped/);
    await expect(readyz(ports.TH)).rejects.toThrow();
  }, 90_000);
});

/** Shell lines with their `\` continuations joined, trimmed. */
function joined(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((l) => l.trim());
}
