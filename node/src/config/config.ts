import { DEFAULT_WINDOW, MAX_WINDOW } from "@frx/spec";
import { hasControl } from "./text.js";
import { checkCalendar, checkSlaOverrides } from "./calendar-check.js";
import { parseStoreUrl } from "../store/postgres/connect.js";
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
  /**
   * Where the store lives: absent, the embedded level store in DIR/store; a
   * `postgres://user@host:port/db?schema=NAME` URL, a PostgreSQL database that several
   * replicas of this node may share (docs/operator-guide.md, high availability).
   */
  store?: string;
  /** Fsync each batch (true in production; the in-memory store ignores it). */
  sync: boolean;
  /**
   * Threads that verify envelopes (signature, canonical form, schema) off the thread that
   * applies them in order; absent, one per core; 0 verifies on that thread.
   */
  verifyThreads?: number;
  /**
   * Audit entries of refusals wait at most this long for the next write to ride on, instead of
   * costing a synced write each: nothing acknowledged depends on them.
   */
  refusalAuditFlushMs: number;
  rateLimit: RateLimitConfig;
  federation: FederationConfig;
  admin: AdminConfig;
  /**
   * The data key file (FRX-DP-001): relative to the node's folder or absolute, mode 0600,
   * outside the store. `frx-node init` creates it; without it the node does not start.
   */
  dataKeyFile?: string;
  /** Overrides of the spec's default retention periods (FRX-DP-003), in days, by message type or tier. */
  retention?: RetentionOverrides;
  /** How often the retention job runs in the node, in milliseconds (0: only by command). */
  retentionIntervalMs?: number;
  /** Serve HTTPS with this PEM certificate and key (otherwise HTTP, e.g. behind a proxy). */
  tls?: { certFile: string; keyFile: string };
  /**
   * When set, /metrics on the public listener needs `Authorization: Bearer <metricsToken>`
   * (FRX-ADM-013); the admin listener serves metrics to operators either way.
   */
  metricsToken?: string;
}

/** Per-node retention periods, in days after a case closes, by tier and by message type and tier. */
export interface RetentionOverrides {
  tiers?: Record<string, number>;
  types?: Record<string, Record<string, number>>;
}

/** The admin listener (FRX-ADM-001): loopback or a unix socket, never a public address. */
export interface AdminConfig {
  enabled: boolean;
  host: string;
  /** 0 picks a free port; the URL is written to DIR/admin.json while the node runs. */
  port: number;
  /** A unix-domain socket path instead of host:port, created with mode 0600. */
  socket?: string;
}

/**
 * Refused requests allowed per source address and per agency (FRX-ENV-035): a token bucket of
 * `burst` refusals, refilled at the given rate per second; once empty, every request from that
 * source or agency is refused with 429 `request.rate-limited` before any work. 0 turns one off.
 */
export interface RateLimitConfig {
  sourceRefusalsPerSecond: number;
  agencyRefusalsPerSecond: number;
  burst: number;
  /**
   * A request header that a proxy in front of the node sets to the client's address (such as
   * `x-real-ip`), used as the source instead of the connection's address. Set it only when the
   * node is reachable through that proxy alone: anyone else could choose their own source.
   */
  sourceHeader?: string;
}

export interface FederationConfig {
  /** SHA-256 of the genesis trust list, pinned out of band; federation stays off until one is set. */
  genesisDigest: string | null;
  /** Envelopes per transaction (at most 50). */
  batchSize: number;
  /**
   * Transactions in flight to one peer at once (FRX-FED-047): 1 to 8. Envelopes of one case
   * never travel in two of them at once (FRX-FED-087).
   */
  window: number;
  /** Retry backoff: capped exponential with full jitter. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Timeout of one transaction request. */
  requestTimeoutMs: number;
  /** Shortest interval between two fetches of a peer's directory for an unknown key. */
  directoryCooldownMs: number;
  /** /readyz warns this long before the trust list expires. */
  warnBeforeExpiryMs: number;
  /**
   * Transaction bodies read or processed at once, from all peers together (FRX-FED-067); each
   * peer has at most 16 of them (a first attempt and a retry for each place of the largest
   * window). Each body may be 23 MB and costs a few times that to open.
   */
  transactionsInFlight: number;
  /**
   * Largest file a peer may transfer here (FRX-FED-079; at least 512 MiB by default, for video
   * testimony). Files stream to disk, so the limit bounds disk use, not memory.
   */
  attachmentBytes: number;
  /**
   * Slowest pace a file transfer to a peer is allowed, in bytes per second: a transfer's
   * deadline is requestTimeoutMs plus its bytes at this pace (FRX-FED-068).
   */
  transferMinBytesPerSecond: number;
}

export interface CalendarConfig {
  /** UTC offset of the node's working day, e.g. "+07:00". */
  utcOffset: string;
  /** Days of the week that are not working days (0 = Sunday). */
  weekend: number[];
  /** Public holidays, as YYYY-MM-DD in the node's local time. */
  holidays: string[];
  /**
   * The last local date (YYYY-MM-DD) through which `holidays` lists every public holiday:
   * published with the calendar (FRX-DL-004); the node warns when it is less than twelve
   * months ahead.
   */
  holidaysThrough?: string;
}

/**
 * The defaults, with `overrides` merged in one level deeper for the nested sections (limits,
 * calendar, federation), so a config file that sets one limit keeps the others. Undefined
 * values are ignored. The result is validated.
 *
 * @example defaultConfig("TH", { port: 7401, limits: { attachmentBytes: 10_000_000 } })
 */
export function defaultConfig(node: string, overrides: DeepPartial<NodeConfig> = {}): NodeConfig {
  if (!/^[A-Z]{2}$/.test(node))
    throw new TypeError(`node id must be an ISO 3166-1 alpha-2 code, not ${node}`);
  const o = defined(overrides);
  const port = o.port ?? 7400;
  const host = o.host ?? "127.0.0.1";
  const base: NodeConfig = {
    node,
    name: `FRX national node ${node}`,
    host,
    port,
    publicUrl: `http://${host}:${port}`,
    limits: { envelopeBytes: 256 * 1024, attachmentBytes: 50 * 1024 * 1024, jsonBytes: 64 * 1024 },
    skewSeconds: 300,
    tokenMaxSeconds: 300,
    calendar: { utcOffset: "+07:00", weekend: [0, 6], holidays: [] },
    slaOverrides: {},
    schedulerIntervalMs: 1000,
    checkpointEvery: 100,
    sync: true,
    refusalAuditFlushMs: 1000,
    rateLimit: { sourceRefusalsPerSecond: 5, agencyRefusalsPerSecond: 5, burst: 50 },
    federation: {
      genesisDigest: null,
      batchSize: 50,
      window: DEFAULT_WINDOW,
      backoffBaseMs: 500,
      backoffCapMs: 5 * 60_000,
      requestTimeoutMs: 30_000,
      directoryCooldownMs: 30_000,
      warnBeforeExpiryMs: 14 * 86_400_000,
      transactionsInFlight: 16,
      attachmentBytes: 512 * 1024 * 1024,
      transferMinBytesPerSecond: 256 * 1024,
    },
    admin: { enabled: true, host: "127.0.0.1", port: 0 },
  };
  const config = {
    ...base,
    ...o,
    node,
    limits: { ...base.limits, ...defined(o.limits ?? {}) },
    calendar: { ...base.calendar, ...defined(o.calendar ?? {}) },
    rateLimit: { ...base.rateLimit, ...defined(o.rateLimit ?? {}) },
    federation: { ...base.federation, ...defined(o.federation ?? {}) },
    admin: { ...base.admin, ...defined(o.admin ?? {}) },
  } as NodeConfig;
  return validateConfig(config);
}

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends Array<unknown>
    ? T[K]
    : T[K] extends object
      ? DeepPartial<T[K]>
      : T[K];
};

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Refuses a configuration a node cannot run safely with, naming the setting. */
export function validateConfig(c: NodeConfig): NodeConfig {
  const positive = (name: string, v: unknown) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
      throw new TypeError(`config ${name} must be a positive number, is ${JSON.stringify(v)}`);
  };
  // The name is published in the node's metadata and trust-list entry, whose schemas bound it.
  if (
    typeof c.name !== "string" ||
    c.name.length === 0 ||
    c.name.length > 200 ||
    hasControl(c.name)
  )
    throw new TypeError(
      "config name must be 1 to 200 characters without control characters (it is published in the node's metadata)",
    );
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535)
    throw new TypeError(`config port must be 0–65535, is ${JSON.stringify(c.port)}`);
  for (const [k, v] of Object.entries(c.limits)) positive(`limits.${k}`, v);
  for (const k of [
    "skewSeconds",
    "tokenMaxSeconds",
    "schedulerIntervalMs",
    "checkpointEvery",
    "refusalAuditFlushMs",
  ] as const)
    positive(k, c[k]);
  for (const [k, v] of Object.entries(c.rateLimit))
    if (k !== "sourceHeader" && (typeof v !== "number" || !Number.isFinite(v) || v < 0))
      throw new TypeError(`config rateLimit.${k} must be 0 or more, is ${JSON.stringify(v)}`);
  if (
    c.verifyThreads !== undefined &&
    (!Number.isInteger(c.verifyThreads) || c.verifyThreads < 0 || c.verifyThreads > 64)
  )
    throw new TypeError(
      `config verifyThreads must be an integer from 0 to 64, is ${JSON.stringify(c.verifyThreads)}`,
    );
  if (c.rateLimit.burst < 1) throw new TypeError("config rateLimit.burst must be at least 1");
  const header = c.rateLimit.sourceHeader;
  if (header !== undefined && (typeof header !== "string" || !/^[a-z0-9-]+$/i.test(header)))
    throw new TypeError(
      `config rateLimit.sourceHeader must be a header name, is ${JSON.stringify(header)}`,
    );
  if (c.store !== undefined) {
    if (typeof c.store !== "string") throw new TypeError("config store must be a postgres:// URL");
    parseStoreUrl(c.store); // throws, naming what is wrong
  }
  if (c.tokenMaxSeconds > 300)
    throw new TypeError(
      "config tokenMaxSeconds may not exceed 300 (agency tokens live at most five minutes)",
    );
  for (const k of [
    "batchSize",
    "backoffBaseMs",
    "backoffCapMs",
    "requestTimeoutMs",
    "warnBeforeExpiryMs",
    "transactionsInFlight",
    "attachmentBytes",
    "transferMinBytesPerSecond",
  ] as const)
    positive(`federation.${k}`, c.federation[k]);
  if (c.federation.batchSize > 50)
    throw new TypeError(
      "config federation.batchSize may not exceed 50 (the protocol's transaction limit)",
    );
  if (
    !Number.isInteger(c.federation.window) ||
    c.federation.window < 1 ||
    c.federation.window > MAX_WINDOW
  )
    throw new TypeError(
      `config federation.window must be a whole number from 1 to ${MAX_WINDOW} (FRX-FED-047), is ${JSON.stringify(c.federation.window)}`,
    );
  if (c.federation.genesisDigest !== null && !/^[0-9a-f]{64}$/.test(c.federation.genesisDigest))
    throw new TypeError("config federation.genesisDigest must be a SHA-256 hex digest or null");
  if (c.admin.socket === undefined && !isLoopback(c.admin.host))
    throw new TypeError(
      `config admin.host must be a loopback address (FRX-ADM-001), is ${c.admin.host}: reach it through an SSH tunnel or a proxy`,
    );
  if (!Number.isInteger(c.admin.port) || c.admin.port < 0 || c.admin.port > 65535)
    throw new TypeError(`config admin.port must be 0–65535, is ${JSON.stringify(c.admin.port)}`);
  if (
    c.metricsToken !== undefined &&
    (typeof c.metricsToken !== "string" || c.metricsToken.length < 16)
  )
    throw new TypeError("config metricsToken must be a string of at least 16 characters");
  if (
    c.tls !== undefined &&
    (typeof c.tls.certFile !== "string" || typeof c.tls.keyFile !== "string")
  )
    throw new TypeError("config tls needs certFile and keyFile");
  if (
    c.retentionIntervalMs !== undefined &&
    (!Number.isInteger(c.retentionIntervalMs) || c.retentionIntervalMs < 0)
  )
    throw new TypeError("config retentionIntervalMs must be 0 (off) or a number of milliseconds");
  if (c.dataKeyFile !== undefined && (typeof c.dataKeyFile !== "string" || c.dataKeyFile === ""))
    throw new TypeError("config dataKeyFile must be a file path");
  checkRetention(c.retention);
  checkCalendar(c.calendar);
  checkSlaOverrides(c.slaOverrides);
  return c;
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts the admin listener may bind. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
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

function checkRetention(r: RetentionOverrides | undefined): void {
  if (r === undefined) return;
  const days = (where: string, v: unknown): void => {
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 36_500)
      throw new TypeError(
        `config retention ${where} must be 1 to 36500 days, is ${JSON.stringify(v)}`,
      );
  };
  for (const [tier, v] of Object.entries(r.tiers ?? {})) {
    if (!/^T[0-3]$/.test(tier)) throw new TypeError(`config retention.tiers: no tier ${tier}`);
    days(`tiers.${tier}`, v);
  }
  for (const [type, byTier] of Object.entries(r.types ?? {}))
    for (const [tier, v] of Object.entries(byTier)) {
      if (!/^T[0-3]$/.test(tier))
        throw new TypeError(`config retention.types.${type}: no tier ${tier}`);
      days(`types.${type}.${tier}`, v);
    }
}
