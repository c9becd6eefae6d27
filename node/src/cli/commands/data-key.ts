import { randomBytes } from "node:crypto";
import { open, readFile, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DATA_KEY_FILE, FileKeySource } from "../../privacy/data-keys.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { DIR_FLAG, type Command } from "../command.js";
import { CliError, field, lines } from "../io.js";
import { exists, readNodeConfig } from "../node-dir.js";

/** Writes config.json as given (no defaults filled in), atomically, mode 0600. */
async function rewriteConfig(dir: string, raw: Record<string, unknown>): Promise<void> {
  const tmp = join(dir, `.config-${randomBytes(6).toString("hex")}`);
  const handle = await open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(JSON.stringify(raw, null, 2) + "\n");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(dir, "config.json")).catch(async (error: unknown) => {
    await rm(tmp, { force: true });
    throw error;
  });
}

export const dataKeyInitCommand: Command = {
  path: ["data-key", "init"],
  summary: "give a node made before encryption at rest its data key file (FRX-DP-002)",
  usage: `Usage: frx-node data-key init --dir DIR

Creates DIR/${DATA_KEY_FILE} (mode 0600) with one new data key and names it in config.json
(dataKeyFile), for a node whose config names none: such a node does not start. Content it
stored before stays readable as it is; frx-node data-key reencrypt then seals it. Refuses when
config.json already names a data key file or ${DATA_KEY_FILE} exists: a lost or replaced key
loses the content sealed under it. Back the key file up apart from the store. The node must
be stopped (it cannot run without a key).

  --dir DIR   the node's data folder
`,
  flags: { ...DIR_FLAG },
  async run(flags, io) {
    const dir = resolve(flags.string("dir"));
    await readNodeConfig(dir);
    const raw = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    if (raw.dataKeyFile !== undefined)
      throw new CliError(
        `config.json already names a data key file (${String(raw.dataKeyFile)}); rotate it with frx-node data-key rotate`,
      );
    const path = join(dir, DATA_KEY_FILE);
    if (await exists(path))
      throw new CliError(
        `${path} exists; name it in config.json as dataKeyFile rather than making a new key`,
      );
    const ring = await FileKeySource.create(path, new Date());
    await rewriteConfig(dir, { ...raw, dataKeyFile: DATA_KEY_FILE });
    io.stdout(
      lines(
        field("data key", `${ring.currentId} in ${path} (mode 0600)`),
        field("config", `dataKeyFile: ${DATA_KEY_FILE}`),
        "back the key file up apart from the store; then run frx-node data-key reencrypt",
      ),
    );
    return 0;
  },
};

export const dataKeyRotateCommand: Command = {
  path: ["data-key", "rotate"],
  summary: "make a new data key current; old keys stay for reading (FRX-DP-003)",
  usage: `Usage: frx-node data-key rotate --dir DIR

Adds a new key to the data key file and makes it current (on a running node, at once). Run
frx-node data-key reencrypt afterwards to move stored content to it. ${BOTH_WAYS}
`,
  flags: { ...DIR_FLAG, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const r = await runOperation<{ current: string; held: string[] }>(
      flags.string("dir"),
      io,
      "data-key.rotate",
      {},
      flags.optional("operator-key"),
    );
    io.stdout(lines(field("current data key", r.current), field("held", r.held.join(", "))));
    return 0;
  },
};

export const dataKeyReencryptCommand: Command = {
  path: ["data-key", "reencrypt"],
  summary: "seal every stored content under the current data key",
  usage: `Usage: frx-node data-key reencrypt --dir DIR

In small batches; a running node keeps serving. ${BOTH_WAYS}
`,
  flags: { ...DIR_FLAG, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const r = await runOperation<{ records: number; files: number }>(
      flags.string("dir"),
      io,
      "data-key.reencrypt",
      {},
      flags.optional("operator-key"),
    );
    io.stdout(lines(`re-encrypted ${r.records} record(s) and ${r.files} attachment file(s)`));
    return 0;
  },
};

export const dataKeyRetireCommand: Command = {
  path: ["data-key", "retire"],
  summary: "forget an old data key once nothing stored is sealed with it (FRX-DP-003)",
  usage: `Usage: frx-node data-key retire --dir DIR --key ID

Removes the data key ID from the data key file. Refused (dp.key-in-use) while it is the
current key or a stored record or attachment file is still sealed with it: rotate and
re-encrypt first. Afterwards every copy of content sealed with it (a backup or a snapshot
taken before an erasure) can no longer be opened: keep no other copy of the key. ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --key ID              the data key's id (dk-…), as data-key rotate printed it
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, key: { kind: "string", required: true }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const r = await runOperation<{ current: string; held: string[] }>(
      flags.string("dir"),
      io,
      "data-key.retire",
      { key: flags.string("key") },
      flags.optional("operator-key"),
    );
    io.stdout(
      lines(
        `data key ${flags.string("key")} retired`,
        field("current data key", r.current),
        field("held", r.held.join(", ")),
      ),
    );
    return 0;
  },
};

export const DATA_KEY_COMMANDS: readonly Command[] = [
  dataKeyInitCommand,
  dataKeyRotateCommand,
  dataKeyReencryptCommand,
  dataKeyRetireCommand,
];
