import { mkdir, readdir, writeFile } from "node:fs/promises";
import { generateSigningKey } from "@frx/spec";
import { addOperator } from "../../admin/operators.js";
import { OPERATOR_FILE } from "../operator-file.js";
import { join, resolve } from "node:path";
import { defaultConfig, writeConfig, type NodeConfig } from "../../config/config.js";
import { generateNodeKeys, nodePublicKeys, writeNodeKeys } from "../../config/keys.js";
import { hasControl } from "../../config/text.js";
import { createNode } from "../../node.js";
import type { Command } from "../command.js";
import { CliError, field, lines, UsageError } from "../io.js";
import { quietLogger } from "../node-dir.js";
import { parseStoreUrl } from "../../store/postgres/connect.js";
import { PgStore } from "../../store/postgres/pg-store.js";

/** A PostgreSQL schema that already holds records holds a node: init does not share it. */
async function refuseUsedDatabase(url: string): Promise<void> {
  const store = new PgStore(url);
  try {
    await store.open();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  try {
    const used = (await store.range("audit", { limit: 1 })).length > 0;
    if (used)
      throw new CliError(
        `${store.target.label} schema ${store.target.schema} already holds a node; refusing to share it (a replica needs no init: copy the node's folder)`,
      );
  } finally {
    await store.close();
  }
}

/** Any of these in DIR means a node (or part of one) lives there already. */
const NODE_FILES = ["config.json", "node-keys.json", "store", "attachments"];

export const initCommand: Command = {
  path: ["init"],
  summary: "create a node: config, node keys and an empty store",
  usage: `Usage: frx-node init --dir DIR --node CC [--name NAME] [--host HOST] [--port N] [--public-url URL]
                     [--genesis-digest HEX] [--store postgres://USER@HOST:PORT/DB?schema=NAME]

Creates DIR with config.json, node-keys.json (mode 0600), an empty store, an empty
attachments/ folder, and a first operator key for the admin API (operator.private.json,
mode 0600, registered as operator NAME). Refuses a DIR that already holds a node.

  --dir DIR          the node's data folder (created if missing)
  --node CC          the member state's ISO 3166-1 alpha-2 code, e.g. TH
  --name NAME        display name (default "FRX national node CC")
  --host HOST        listen address (default 127.0.0.1)
  --port N           listen port (default 7400; 0 picks a free port at start)
  --public-url URL   the URL agencies and peers use (default http://HOST:PORT)
  --genesis-digest HEX
                     pin the federation's genesis trust list by its SHA-256 (hex), as agreed
                     with the other members; or pin it later with frx-node trust apply --pin
  --operator NAME    the first operator's name (default "admin")
  --store URL        keep the store in PostgreSQL instead of DIR/store (a postgres:// URL;
                     ?schema=NAME picks the schema, default frx). Replicas of the node
                     share it: copy DIR (without the operator key) to each replica's host.
                     Give the password with PGPASSWORD or ~/.pgpass, not in the URL.
`,
  flags: {
    dir: { kind: "string", required: true },
    node: { kind: "string", required: true },
    name: { kind: "string" },
    host: { kind: "string" },
    port: { kind: "string" },
    "public-url": { kind: "string" },
    "genesis-digest": { kind: "string" },
    operator: { kind: "string" },
    store: { kind: "string" },
  },
  async run(flags, io) {
    const dir = resolve(flags.string("dir"));
    const node = flags.string("node");
    if (!/^[A-Z]{2}$/.test(node))
      throw new UsageError(`--node must be an ISO 3166-1 alpha-2 code such as TH, not ${node}`);
    const overrides: Partial<NodeConfig> = {};
    const name = flags.optional("name");
    const host = flags.optional("host");
    const port = flags.int("port", 0, 65535);
    const publicUrl = flags.optional("public-url");
    if (name !== undefined) {
      if (name.length === 0 || name.length > 200 || hasControl(name))
        throw new UsageError(
          "--name must be 1 to 200 characters without control characters (it is published in the node's metadata)",
        );
      overrides.name = name;
    }
    if (host !== undefined) overrides.host = host;
    if (port !== undefined) overrides.port = port;
    if (publicUrl !== undefined) {
      if (!URL.canParse(publicUrl) || !/^https?:$/.test(new URL(publicUrl).protocol))
        throw new UsageError(`--public-url must be an http(s) URL, not ${publicUrl}`);
      overrides.publicUrl = publicUrl;
    }
    const storeUrl = flags.optional("store");
    if (storeUrl !== undefined) {
      try {
        parseStoreUrl(storeUrl);
      } catch (error) {
        throw new UsageError(`--store: ${(error as Error).message}`);
      }
      overrides.store = storeUrl;
    }
    const givenDigest = flags.optional("genesis-digest");
    const genesisDigest = givenDigest?.toLowerCase();
    if (genesisDigest !== undefined && !/^[0-9a-f]{64}$/.test(genesisDigest))
      throw new UsageError(
        `--genesis-digest must be a SHA-256 digest in hex (64 characters), not ${givenDigest}`,
      );

    const present = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [] as string[];
      throw error;
    });
    const found = NODE_FILES.filter((f) => present.includes(f));
    if (found.length > 0)
      throw new CliError(
        `${dir} already holds a node (${found.join(", ")}); refusing to overwrite it`,
      );

    if (storeUrl !== undefined) await refuseUsedDatabase(storeUrl);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const config = defaultConfig(node, overrides);
    if (genesisDigest !== undefined) config.federation.genesisDigest = genesisDigest;
    const keys = generateNodeKeys();
    await writeNodeKeys(dir, keys);
    await mkdir(join(dir, "attachments"), { mode: 0o700 });
    // Opening the node creates the empty store; the first operator key goes in with it.
    const operatorName = flags.optional("operator") ?? "admin";
    const created = await createNode({ config, keys, dir, logger: quietLogger(io, node) });
    try {
      const { privateJwk, publicJwk } = generateSigningKey();
      await addOperator(created.ctx, operatorName, publicJwk, "init");
      await writeFile(
        join(dir, OPERATOR_FILE),
        JSON.stringify({ name: operatorName, privateJwk }, null, 2) + "\n",
        { mode: 0o600, flag: "wx" },
      );
    } finally {
      await created.close();
    }
    // config.json last: it is what marks a finished node.
    await writeConfig(dir, config);
    io.stdout(
      lines(
        `initialised node ${node} in ${dir}`,
        field("config", join(dir, "config.json")),
        field("node keys", `${join(dir, "node-keys.json")} (mode 0600; secret, back it up apart)`),
        field("signing key (kid)", nodePublicKeys(keys).signing.kid!),
        field("public URL", config.publicUrl),
        ...(config.store ? [field("store", config.store)] : []),
        ...(genesisDigest !== undefined ? [field("genesis digest", genesisDigest)] : []),
        field("operator key", `${join(dir, OPERATOR_FILE)} (operator ${operatorName}; mode 0600)`),
        `next: frx-node start --dir ${dir}`,
        `then register agencies, running or not: frx-node agency add --help`,
      ),
    );
    return 0;
  },
};
