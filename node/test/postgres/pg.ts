import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * How the PostgreSQL suites find a server: FRX_PG_URL (`.ci/run` sets it when one answers on
 * 127.0.0.1:5432). Without it they skip, saying so, and `npm test` passes without a database.
 */
export const PG_URL = process.env.FRX_PG_URL ?? "";

export function noticeIfNoPg(suite: string): void {
  if (!PG_URL) console.warn(`[${suite}] FRX_PG_URL is not set: the PostgreSQL tests are skipped`);
}

/** A store URL naming a schema of its own, so tests running together do not collide. */
export function freshStoreUrl(): { url: string; schema: string } {
  const schema = `frx_t_${randomBytes(5).toString("hex")}`;
  const url = new URL(PG_URL);
  url.searchParams.set("schema", schema);
  return { url: url.toString(), schema };
}

export async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
