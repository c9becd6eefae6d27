import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NodeConfig } from "../../src/config/config.js";
import { addDoe, cli, removeTempDirs, tempDir } from "../cli/helpers.js";
import { dropSchema, freshStoreUrl, noticeIfNoPg, PG_URL, sql } from "./pg.js";

noticeIfNoPg("frx-node init --store");

let schema = "";
afterEach(async () => {
  await removeTempDirs();
  if (schema) await dropSchema(schema);
  schema = "";
});

describe.skipIf(!PG_URL)("frx-node init --store postgres://…", () => {
  it("keeps the node's store in PostgreSQL, which later commands use, and refuses to init it twice", async () => {
    const fresh = freshStoreUrl();
    schema = fresh.schema;
    const dir = join(await tempDir(), "th");
    const r = await cli("init", "--dir", dir, "--node", "TH", "--store", fresh.url);
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as NodeConfig;
    expect(config.store).toBe(fresh.url);
    expect(await readdir(dir)).not.toContain("store");
    // The first operator and init's audit entry are rows in the schema.
    const rows = await sql(
      `SELECT aggregate, count(*)::int AS n FROM ${schema}.records GROUP BY aggregate ORDER BY aggregate`,
    );
    expect(rows.rows).toEqual([
      { aggregate: "audit", n: 1 },
      { aggregate: "operators", n: 2 },
    ]);
    // An offline command on the folder opens the same database.
    expect((await addDoe(dir)).code).toBe(0);
    const agencies = await sql(
      `SELECT count(*)::int AS n FROM ${schema}.records WHERE aggregate = 'participants'`,
    );
    expect(agencies.rows[0]).toEqual({ n: 1 });

    const again = await cli(
      "init",
      "--dir",
      join(await tempDir(), "th2"),
      "--node",
      "TH",
      "--store",
      fresh.url,
    );
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already holds a node/);
  });

  it("refuses a store that is not a postgres:// URL", async () => {
    const r = await cli(
      "init",
      "--dir",
      join(await tempDir(), "th"),
      "--node",
      "TH",
      "--store",
      "mysql://x/y",
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--store: a PostgreSQL store is named by a postgres:\/\/ URL/);
  });
});
