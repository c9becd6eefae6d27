import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  commandHook,
  KIT_FILES,
  makeKit,
  readMemberFile,
  type OperatorHook,
} from "../../src/index.js";
import { freePort } from "./reference.js";

const run = promisify(execFile);
const FRX_NODE_JS = fileURLToPath(new URL("../../../node/bin/frx-node.js", import.meta.url));
const q = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;
/** The frx-node command, as the kit's scripts take it (FRX_NODE, split on spaces by sh). */
const FRX_NODE = `${process.execPath} ${FRX_NODE_JS}`;
if (/\s/.test(process.execPath + FRX_NODE_JS))
  throw new TypeError(`the scripts split FRX_NODE on spaces: ${FRX_NODE}`);

export interface ReferenceProcess {
  url: string;
  dir: string;
  kitDir: string;
  /** The kit's operator script: every step, restart and crash included, on this process. */
  operator: OperatorHook;
  close(): Promise<void>;
}

const frxNode = (...args: string[]) => run(process.execPath, [FRX_NODE_JS, ...args]);
const sh = (script: string, ...args: string[]) =>
  run("/bin/sh", [script, ...args], { env: { ...process.env, FRX_NODE } });

/**
 * The reference node as a process of its own (`frx-node start`, classic-level store on disk),
 * set up exactly as docs/certification.md tells an operator, and started by the kit's operator
 * script, so that its `restart` and `crash` steps stop the very process the suite tests. Needs
 * the built CLI (`npm run build`).
 */
export async function startReferenceProcess(): Promise<ReferenceProcess> {
  const base = await mkdtemp(join(tmpdir(), "frx-conf-proc-"));
  const dir = join(base, "node-th");
  const kitDir = join(base, "kit");
  const close = async () => {
    await stop(dir);
    await rm(base, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const script = await install(base, dir, kitDir, port);
    // No node runs yet: the script's restart step starts it.
    await sh(script, dir, "restart");
    return {
      url: `http://127.0.0.1:${port}`,
      dir,
      kitDir,
      operator: commandHook(`FRX_NODE=${q(FRX_NODE)} sh ${q(script)} ${q(dir)}`),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** docs/certification.md's steps 1 to 5 for a node at `dir` on `port`; returns the operator script. */
async function install(base: string, dir: string, kitDir: string, port: number): Promise<string> {
  await frxNode("init", "--dir", dir, "--node", "TH", "--port", String(port));
  await frxNode("trust", "member", "--dir", dir, "--out", join(base, "th-member.json"));
  await makeKit({
    out: kitDir,
    nodeId: "TH",
    nodeMember: await readMemberFile(join(base, "th-member.json")),
    peerUrl: `http://127.0.0.1:${await freePort()}`,
  });
  await sh(join(kitDir, KIT_FILES.script), dir);
  const signed = join(base, "trust-genesis-signed.json");
  await frxNode(
    "trust",
    "sign",
    "--dir",
    dir,
    "--in",
    join(kitDir, KIT_FILES.genesis),
    "--out",
    signed,
  );
  await frxNode("trust", "apply", "--dir", dir, "--in", signed, "--pin");
  const configFile = join(dir, "config.json");
  const config = JSON.parse(await readFile(configFile, "utf8")) as Record<string, unknown>;
  const overrides = JSON.parse(await readFile(join(kitDir, KIT_FILES.overrides), "utf8")) as Record<
    string,
    unknown
  >;
  for (const [k, v] of Object.entries(overrides))
    config[k] = k === "federation" ? { ...(config[k] as object), ...(v as object) } : v;
  await writeFile(configFile, JSON.stringify(config, null, 2) + "\n");
  return join(kitDir, KIT_FILES.operatorScript);
}

/** Stops the node the script last started (SIGTERM, then SIGKILL after 30 s). */
async function stop(dir: string): Promise<void> {
  const admin = await readFile(join(dir, "admin.json"), "utf8").catch(() => undefined);
  if (!admin) return;
  const { pid } = JSON.parse(admin) as { pid: number };
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 300 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, "SIGKILL");
}
