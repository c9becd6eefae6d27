import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readConfig, type NodeConfig } from "../config/config.js";
import { readNodeKeys, type NodeKeys } from "../config/keys.js";
import { createNode, type FrxNode } from "../node.js";
import { jsonLogger, type Logger } from "../runtime/logger.js";
import { CliError, type Io } from "./io.js";

/** True when `error` (or one of its causes) is level's "another process holds the LOCK". */
export function isLockedError(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause)
    if ((e as { code?: unknown }).code === "LEVEL_LOCKED") return true;
  return false;
}

export function runningError(dir: string): CliError {
  return new CliError(`the node at ${dir} is running; stop it first`);
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function requireFile(dir: string, file: string): Promise<void> {
  if (!(await exists(join(dir, file))))
    throw new CliError(`no node at ${dir}: ${file} is missing (create one with frx-node init)`);
}

/** Reads DIR/config.json, with defaults filled in. */
export async function readNodeConfig(dir: string): Promise<NodeConfig> {
  await requireFile(dir, "config.json");
  return readConfig(dir);
}

/** Reads DIR/config.json and DIR/node-keys.json, saying plainly which one is missing. */
export async function readNodeDir(dir: string): Promise<{ config: NodeConfig; keys: NodeKeys }> {
  const config = await readNodeConfig(dir);
  await requireFile(dir, "node-keys.json");
  return { config, keys: await readNodeKeys(dir) };
}

/** Offline commands log warnings and errors only, as JSON lines on stderr. */
export function quietLogger(io: Io, node: string): Logger {
  const json = jsonLogger((line) => io.stderr(line + "\n"), { node });
  return { info: () => undefined, warn: json.warn, error: json.error };
}

/**
 * Opens the node at `dir` without listening, runs `fn`, and closes it. The store is locked
 * while `frx-node start` runs, so this refuses a running node instead of waiting.
 *
 * @example await withOfflineNode(dir, io, (node) => registerParticipant(node.ctx, reg))
 */
export async function withOfflineNode<T>(
  dirFlag: string,
  io: Io,
  fn: (node: FrxNode, dir: string) => Promise<T>,
): Promise<T> {
  const dir = resolve(dirFlag);
  const { config, keys } = await readNodeDir(dir);
  let node: FrxNode;
  try {
    node = await createNode({ config, keys, dir, logger: quietLogger(io, config.node) });
  } catch (error) {
    if (isLockedError(error)) throw runningError(dir);
    throw error;
  }
  try {
    return await fn(node, dir);
  } finally {
    await node.close();
  }
}
