import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A node's settings, kept in DIR/config.json. */
export interface NodeConfig {
  /** The node id: the member state's ISO 3166-1 alpha-2 code. */
  node: string;
  name: string;
  host: string;
  port: number;
  /** The URL agencies and peers use; the `aud` agency tokens must carry. */
  publicUrl: string;
  limits: {
    envelopeBytes: number;
    attachmentBytes: number;
    /** Largest JSON body on any other route. */
    jsonBytes: number;
  };
  skewSeconds: number;
  /** Longest lifetime an agency token may have, in seconds (at most 300). */
  tokenMaxSeconds: number;
  calendar: CalendarConfig;
  /** Overrides of the spec's default deadlines, by machine, deadline kind and urgency. */
  slaOverrides: Record<
    string,
    Record<string, Record<string, { workingDays?: number; hours?: number }>>
  >;
  /** How often the deadline scheduler wakes, in milliseconds. */
  schedulerIntervalMs: number;
  /** Sign an audit checkpoint after this many entries. */
  checkpointEvery: number;
  /** Fsync each batch (true in production; the in-memory store ignores it). */
  sync: boolean;
  federation: FederationConfig;
}

export interface FederationConfig {
  /** SHA-256 of the genesis trust list, pinned out of band; federation stays off until one is set. */
  genesisDigest: string | null;
  /** Envelopes per transaction (at most 50). */
  batchSize: number;
  /** Retry backoff: capped exponential with full jitter. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Timeout of one transaction request. */
  requestTimeoutMs: number;
  /** Shortest interval between two fetches of a peer's directory for an unknown key. */
  directoryCooldownMs: number;
  /** /readyz warns this long before the trust list expires. */
  warnBeforeExpiryMs: number;
}

export interface CalendarConfig {
  /** UTC offset of the node's working day, e.g. "+07:00". */
  utcOffset: string;
  /** Days of the week that are not working days (0 = Sunday). */
  weekend: number[];
  /** Public holidays, as YYYY-MM-DD in the node's local time. */
  holidays: string[];
  /** Working hours, local time, as [start, end) hours. */
  workingHours: [number, number];
}

/** @example defaultConfig("TH", "/var/lib/frx") */
export function defaultConfig(node: string, overrides: Partial<NodeConfig> = {}): NodeConfig {
  if (!/^[A-Z]{2}$/.test(node))
    throw new TypeError(`node id must be an ISO 3166-1 alpha-2 code, not ${node}`);
  const port = overrides.port ?? 7400;
  const host = overrides.host ?? "127.0.0.1";
  return {
    node,
    name: `FRX national node ${node}`,
    host,
    port,
    publicUrl: `http://${host}:${port}`,
    limits: { envelopeBytes: 256 * 1024, attachmentBytes: 50 * 1024 * 1024, jsonBytes: 64 * 1024 },
    skewSeconds: 300,
    tokenMaxSeconds: 300,
    calendar: { utcOffset: "+07:00", weekend: [0, 6], holidays: [], workingHours: [8, 17] },
    slaOverrides: {},
    schedulerIntervalMs: 1000,
    checkpointEvery: 100,
    sync: true,
    federation: {
      genesisDigest: null,
      batchSize: 50,
      backoffBaseMs: 500,
      backoffCapMs: 5 * 60_000,
      requestTimeoutMs: 30_000,
      directoryCooldownMs: 30_000,
      warnBeforeExpiryMs: 14 * 86_400_000,
    },
    ...overrides,
  };
}

export async function readConfig(dir: string): Promise<NodeConfig> {
  const raw = JSON.parse(
    await readFile(join(dir, "config.json"), "utf8"),
  ) as Partial<NodeConfig> & { node: string };
  return defaultConfig(raw.node, raw);
}

export async function writeConfig(dir: string, config: NodeConfig): Promise<void> {
  await writeFile(join(dir, "config.json"), JSON.stringify(config, null, 2) + "\n", {
    mode: 0o600,
  });
}
