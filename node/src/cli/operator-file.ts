import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PrivateJwk } from "@frx/spec";
import { CliError } from "./io.js";

/** An operator's private key file: `{ "name": …, "privateJwk": … }`, mode 0600. */
export interface OperatorFile {
  name: string;
  privateJwk: PrivateJwk;
}

/** The operator key `frx-node init` writes into the node's folder. */
export const OPERATOR_FILE = "operator.private.json";

/** Reads FILE (default DIR/operator.private.json). */
export async function readOperatorFile(dir: string, file?: string): Promise<OperatorFile> {
  const path = file ?? join(dir, OPERATOR_FILE);
  let parsed: Partial<OperatorFile>;
  try {
    parsed = JSON.parse(await readFile(path, "utf8")) as Partial<OperatorFile>;
  } catch (error) {
    throw new CliError(
      `cannot read the operator key ${path} (${(error as Error).message}); give one with --operator-key (frx-node operator keygen makes one)`,
    );
  }
  if (typeof parsed.name !== "string" || typeof parsed.privateJwk?.d !== "string")
    throw new CliError(`${path} is not an operator key file ({"name", "privateJwk"})`);
  return parsed as OperatorFile;
}
