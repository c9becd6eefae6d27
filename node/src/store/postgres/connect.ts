import { createHash } from "node:crypto";
import pg from "pg";

/** Where a node's PostgreSQL store lives: a server, a database and a schema in it. */
export interface PgTarget {
  /** The connection URL without our `schema` parameter. */
  url: string;
  /** The schema holding this node's tables (`?schema=` in the store URL; default `frx`). */
  schema: string;
  /** host:port/database, for messages (never the password). */
  label: string;
}

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value);
}

/**
 * Reads a store URL: `postgres://user@host:port/db?schema=frx_th`. A password may be given in
 * the URL, but PGPASSWORD or ~/.pgpass keeps it out of config.json.
 */
export function parseStoreUrl(value: string): PgTarget {
  if (!isPostgresUrl(value) || !URL.canParse(value))
    throw new TypeError(`a PostgreSQL store is named by a postgres:// URL, not ${value}`);
  const url = new URL(value);
  const schema = url.searchParams.get("schema") ?? "frx";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new TypeError(
      `the store URL's schema must be a lower-case SQL identifier (a-z, 0-9, _), not ${schema}`,
    );
  url.searchParams.delete("schema");
  const label = `${url.hostname}:${url.port || "5432"}${url.pathname}`;
  return { url: url.toString(), schema, label };
}

/** One advisory-lock key space per schema, so nodes in one database do not share locks. */
export function lockSpace(schema: string): number {
  return createHash("sha256").update(`frx:${schema}`).digest().readInt32BE(0);
}

/** Advisory lock ids within the schema's key space. */
export const LOCKS = { write: 1, outbox: 2, scheduler: 3 } as const;

/** A connected client whose session searches the node's schema; a clear error if unreachable. */
export async function connect(target: PgTarget): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.url });
  try {
    await client.connect();
    await client.query(`SET search_path TO ${target.schema}`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable(target, error);
  }
  return client;
}

export function unreachable(target: PgTarget, error: unknown): Error {
  return new Error(
    `the PostgreSQL store at ${target.label} (schema ${target.schema}) cannot be used: ${
      error instanceof Error ? error.message : String(error)
    }`,
    { cause: error },
  );
}

export function createPool(target: PgTarget, max: number): pg.Pool {
  return new pg.Pool({
    connectionString: target.url,
    max,
    options: `-c search_path=${target.schema}`,
  });
}

/**
 * The tables: every aggregate's records in one key/value table ordered by key bytes (as
 * level orders them, and keys may hold NUL), and a generation counter every write bumps so
 * a replica that takes the write lock knows whether another replica wrote since it last did.
 */
export async function migrate(client: pg.Client, schema: string): Promise<void> {
  await client.query("BEGIN");
  try {
    // Two replicas starting together must not both create the tables.
    await client.query("SELECT pg_advisory_xact_lock($1, 0)", [lockSpace(schema)]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.records (
      aggregate text NOT NULL,
      key bytea NOT NULL,
      value text NOT NULL,
      PRIMARY KEY (aggregate, key))`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.generation (
      id int PRIMARY KEY CHECK (id = 1),
      n bigint NOT NULL)`);
    await client.query(
      `INSERT INTO ${schema}.generation (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
