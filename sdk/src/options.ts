import type { PrivateJwk } from "@frx/spec";
import type { Dispatcher } from "undici";
import { monotonicFactory } from "ulid";
import { FrxClientError } from "./errors.js";

/** Time as the client sees it. `sleep` waits between retries; tests inject both to freeze time. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Capped exponential backoff with jitter; `Retry-After` from the node wins when present. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 4; 1 means no retry). */
  attempts: number;
  /** The first backoff, in ms (default 200). */
  baseMs: number;
  /** No backoff exceeds this, in ms (default 10 000). */
  maxMs: number;
}

export interface ClientOptions {
  /** Base URL of the node's agency API, e.g. `https://frx.example.go.th`. */
  nodeUrl: string;
  /** The node's id (`TH`): the `aud` of agency tokens and the signer expected on receipts. */
  node: string;
  /** This agency's participant id (`TH:DOE`): `from` on envelopes, `iss` on tokens. */
  participant: string;
  /** This agency's private Ed25519 JWK, registered with the node. */
  privateKey: PrivateJwk;
  /** An undici dispatcher (a `MockAgent` in tests); default a keep-alive `Agent` owned by the client. */
  dispatcher?: Dispatcher;
  /** Per-request timeout in ms (default 30 000); a long-poll adds its wait. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Agency token lifetime in seconds (default 60, at most 300). */
  tokenLifetimeSeconds?: number;
  /** How long a fetched directory is trusted before it is fetched again, in ms (default 300 000). */
  directoryTtlMs?: number;
  /** Check policy locally against the directory before sending (default true). */
  policyPrecheck?: boolean;
  clock?: Partial<Clock>;
  /** Message id generator (default monotonic ULIDs on the client's clock). */
  ids?: () => string;
  /** Random numbers in [0, 1) for jitter (default Math.random). */
  random?: () => number;
}

/** Options every network call takes. */
export interface CallOptions {
  /** Overrides the client's timeout for this call, in ms. */
  timeoutMs?: number;
  /** Aborts the call, including retries and backoff waits (`client.aborted`). */
  signal?: AbortSignal;
}

export interface ResolvedOptions {
  nodeUrl: string;
  node: string;
  participant: string;
  privateKey: PrivateJwk;
  timeoutMs: number;
  retry: RetryOptions;
  tokenLifetimeSeconds: number;
  directoryTtlMs: number;
  policyPrecheck: boolean;
  clock: Clock;
  ids: () => string;
  random: () => number;
}

const PARTICIPANT = /^[A-Z]{2}:[A-Z0-9][A-Z0-9-]{0,31}$/;

/** Defaults applied; programmer mistakes refused with TypeError, a node that is not the agency's with `client.node-mismatch`. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const { nodeUrl, node, participant, privateKey } = options;
  if (!/^https?:\/\//.test(nodeUrl)) throw new TypeError(`nodeUrl must be http(s): ${nodeUrl}`);
  if (!/^[A-Z]{2}$/.test(node)) throw new TypeError(`node must be a country code: ${node}`);
  if (!PARTICIPANT.test(participant))
    throw new TypeError(`participant must be CC:CODE (e.g. TH:DOE), not ${participant}`);
  if (!participant.startsWith(`${node}:`))
    throw new FrxClientError(
      "client.node-mismatch",
      `options.node is ${node} but options.participant ${participant} is an agency of node ${participant.slice(0, 2)}: ` +
        `give the node the agency is registered at (node: "${participant.slice(0, 2)}", with that node's nodeUrl)`,
    );
  if (privateKey?.kty !== "OKP" || privateKey.crv !== "Ed25519" || typeof privateKey.d !== "string")
    throw new TypeError("privateKey must be a private Ed25519 OKP JWK");
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 60;
  if (!(tokenLifetimeSeconds >= 1 && tokenLifetimeSeconds <= 300))
    throw new TypeError("tokenLifetimeSeconds must be between 1 and 300");
  const retry = { attempts: 4, baseMs: 200, maxMs: 10_000, ...options.retry };
  if (!(Number.isInteger(retry.attempts) && retry.attempts >= 1))
    throw new TypeError("retry.attempts must be a positive integer");
  const clock: Clock = {
    now: options.clock?.now?.bind(options.clock) ?? (() => new Date()),
    sleep: options.clock?.sleep?.bind(options.clock) ?? sleep,
  };
  const ulid = monotonicFactory();
  const resolved = {
    nodeUrl: nodeUrl.replace(/\/+$/, ""),
    node,
    participant,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry,
    tokenLifetimeSeconds,
    directoryTtlMs: options.directoryTtlMs ?? 300_000,
    policyPrecheck: options.policyPrecheck ?? true,
    clock,
    ids: options.ids ?? (() => ulid(clock.now().getTime())),
    random: options.random ?? Math.random,
  };
  // Not enumerable: JSON.stringify and util.inspect of a client (or of anything holding its
  // options) must not print the private key.
  return Object.defineProperty(resolved, "privateKey", {
    value: privateKey,
    enumerable: false,
  }) as ResolvedOptions;
}

/** A real wait that an abort cuts short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const done = (): void => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
