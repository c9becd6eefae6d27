import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { FrxError, isFrxError, type ErrorCode } from "@frx/spec";
import { Agent, request } from "undici";
import { ADMIN_OPERATIONS } from "../admin/api.js";
import { ADMIN_FILE } from "../admin/listener.js";
import { fillPath } from "../admin/operation.js";
import type { FrxNode } from "../node.js";
import { signOperatorToken } from "../http/auth/operator-token.js";
import { CliError, type Io } from "./io.js";
import { runningError, withOfflineNode } from "./node-dir.js";
import { readOperatorFile } from "./operator-file.js";

/** What every command that works both ways says in its --help. */
export const BOTH_WAYS = `Works on a running node through its admin API (as the operator in DIR/operator.private.json,
or --operator-key FILE), and on a stopped node's store directly.`;

export const OPERATOR_KEY_FLAG = { "operator-key": { kind: "string" } } as const;

/**
 * Runs an admin operation (admin/operation.ts) on the node in DIR: directly on its store
 * when it is stopped, through its admin API (DIR/admin.json) when it runs. Either way the
 * same code does the work, with the same audit entry.
 *
 * @example const list = await runOperation(dir, io, "agency.list", {}, flags.optional("operator-key"))
 */
export async function runOperation<T>(
  dirFlag: string,
  io: Io,
  name: string,
  input: Record<string, unknown> = {},
  operatorKey?: string,
  /** What to do on a stopped node instead of the operation itself (same result shape). */
  offline?: (node: FrxNode, dir: string) => Promise<T>,
): Promise<T> {
  const op = ADMIN_OPERATIONS.find((o) => o.name === name);
  if (!op) throw new TypeError(`no admin operation ${name}`);
  const dir = resolve(dirFlag);
  try {
    return await withOfflineNode(
      dir,
      io,
      offline ?? ((node) => op.run(node, input, "operator:local") as Promise<T>),
    );
  } catch (error) {
    if (!(error instanceof CliError && error.message === runningError(dir).message)) throw error;
  }
  return callAdmin<T>(dir, op.method, fillPath(op, input), operatorKey);
}

async function callAdmin<T>(
  dir: string,
  method: string,
  { path, rest }: { path: string; rest: Record<string, unknown> },
  operatorKey?: string,
): Promise<T> {
  let url: string;
  try {
    url = (JSON.parse(await readFile(join(dir, ADMIN_FILE), "utf8")) as { url: string }).url;
  } catch {
    throw new CliError(
      `the node at ${dir} is running without an admin listener (config admin.enabled): stop it first`,
    );
  }
  const operator = await readOperatorFile(dir, operatorKey);
  const node = (JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as { node: string })
    .node;
  const token = await signOperatorToken(operator.privateJwk, operator.name, node, new Date());
  const socket = url.startsWith("unix:") ? url.slice(5) : undefined;
  const dispatcher = socket ? new Agent({ connect: { socketPath: socket } }) : undefined;
  try {
    const res = await request(`${socket ? "http://localhost" : url}/admin/api${path}`, {
      method: method as "GET",
      headers: {
        authorization: `Bearer ${token}`,
        ...(method === "GET" ? {} : { "content-type": "application/json" }),
      },
      ...(method === "GET" ? {} : { body: JSON.stringify(rest) }),
      ...(dispatcher ? { dispatcher } : {}),
    });
    const body = (await res.body.json()) as Record<string, unknown>;
    if (res.statusCode >= 400) {
      const code = typeof body.code === "string" ? (body.code as ErrorCode) : "internal.error";
      throw new FrxError(code, String(body.detail ?? `admin API answered ${res.statusCode}`));
    }
    return body as T;
  } catch (error) {
    if (isFrxError(error) || error instanceof CliError) throw error;
    throw new CliError(`cannot reach the node's admin API at ${url}: ${String(error)}`);
  } finally {
    await dispatcher?.close();
  }
}
