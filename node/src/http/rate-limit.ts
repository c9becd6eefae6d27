import { FrxError } from "@frx/spec";
import type { Clock } from "../runtime/clock.js";

/**
 * A `request.rate-limited` refusal with the seconds after which the caller may try again, which
 * the problem response carries as `Retry-After` (FRX-ENV-035, FRX-FED-067).
 *
 * @example throw new RateLimitedError("too many refused requests from 127.0.0.1", 12)
 */
export class RateLimitedError extends FrxError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("request.rate-limited", message);
  }
}

/** Buckets kept before full ones are forgotten (a full bucket is the same as none). */
const MAX_BUCKETS = 10_000;

/**
 * Token buckets of refusals, one per key (a source address, an agency): each refusal takes a
 * token, tokens come back at `perSecond` up to `burst`, and a key with none left is refused
 * before any work is done. Time comes from the node's clock, so tests freeze it.
 */
export class RefusalBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Throws `request.rate-limited` when `key` has no refusal left; `what` names it in the message. */
  check(key: string, what: string): void {
    if (this.perSecond <= 0) return;
    const tokens = this.refill(key);
    if (tokens >= 1) return;
    throw new RateLimitedError(
      `too many refused requests from ${what}; try again later`,
      Math.ceil((1 - tokens) / this.perSecond),
    );
  }

  /** Takes one token from `key` for a refusal it caused. */
  spend(key: string): void {
    if (this.perSecond <= 0) return;
    const tokens = this.refill(key);
    this.buckets.set(key, { tokens: Math.max(0, tokens - 1), at: this.clock.now().getTime() });
    if (this.buckets.size > MAX_BUCKETS) this.forgetFull();
  }

  private refill(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return this.burst;
    const elapsed = Math.max(0, this.clock.now().getTime() - b.at) / 1000;
    return Math.min(this.burst, b.tokens + elapsed * this.perSecond);
  }

  private forgetFull(): void {
    for (const key of [...this.buckets.keys()])
      if (this.refill(key) >= this.burst) this.buckets.delete(key);
  }
}

/** The buckets of one node: per source address and per agency. */
export interface RefusalLimits {
  sources: RefusalBuckets;
  agencies: RefusalBuckets;
}

const limitsOf = new WeakMap<object, RefusalLimits>();

/**
 * The node's refusal buckets, made on first use from its configuration and clock.
 *
 * @example refusalLimits(ctx).agencies.check("TH:DOE", "TH:DOE")
 */
export function refusalLimits(ctx: {
  clock: Clock;
  config: {
    rateLimit: { sourceRefusalsPerSecond: number; agencyRefusalsPerSecond: number; burst: number };
  };
}): RefusalLimits {
  let limits = limitsOf.get(ctx);
  if (!limits) {
    const r = ctx.config.rateLimit;
    limits = {
      sources: new RefusalBuckets(ctx.clock, r.sourceRefusalsPerSecond, r.burst),
      agencies: new RefusalBuckets(ctx.clock, r.agencyRefusalsPerSecond, r.burst),
    };
    limitsOf.set(ctx, limits);
  }
  return limits;
}

/**
 * Where a request comes from: the value of the configured proxy header when there is one (its
 * first address), else the connection's remote address, or "local" for an in-process request.
 *
 * @example sourceOf(c.env, c.req.header("x-real-ip"))
 */
export function sourceOf(env: unknown, proxied?: string): string {
  const fromProxy = proxied?.split(",")[0]?.trim();
  if (fromProxy) return fromProxy.slice(0, 64);
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming;
  return incoming?.socket?.remoteAddress ?? "local";
}
