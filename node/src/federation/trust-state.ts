import {
  assertInForce,
  FrxError,
  verifyTrustList,
  type SignedTrustList,
  type Types,
  type VerifiedTrustList,
} from "@frx/spec";
import type { Clock } from "../runtime/clock.js";
import { pad } from "../store/db.js";
import type { Store } from "../store/store.js";

/**
 * The trust list in force, kept as the chain of every version applied (genesis first), so a
 * restart re-verifies the whole chain from the pinned genesis digest.
 */
export class TrustState {
  private current: VerifiedTrustList | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Read when needed: the operator may pin the genesis digest after the node is created. */
    private readonly genesis: () => string | null,
  ) {}

  async load(): Promise<void> {
    let previous: VerifiedTrustList | undefined;
    for (const [, signed] of await this.store.range<SignedTrustList>("trust", {
      gte: "v!",
      lt: "v!~",
    })) {
      previous = previous
        ? verifyTrustList(signed, { previous })
        : verifyTrustList(signed, { pinnedDigest: this.genesis() ?? "" });
    }
    this.current = previous ?? null;
  }

  /** Verifies a new version against the one in force (or the pinned genesis) and stores it. */
  async apply(signed: SignedTrustList): Promise<VerifiedTrustList> {
    const genesis = this.genesis();
    if (!this.current && !genesis)
      throw new FrxError(
        "trust.quorum-not-met",
        "no genesis digest is pinned in this node's configuration",
      );
    const next = this.current
      ? verifyTrustList(signed, { previous: this.current })
      : verifyTrustList(signed, { pinnedDigest: genesis! });
    await this.store.commit([
      { type: "put", aggregate: "trust", key: `v!${pad(next.list.version)}`, value: signed },
    ]);
    this.current = next;
    return next;
  }

  /** The list in force, or a coded error when there is none or it has expired (fail closed). */
  inForce(): VerifiedTrustList {
    if (!this.current)
      throw new FrxError("node.not-ready", "no trust list is applied: federation is off");
    assertInForce(this.current, this.clock.now());
    return this.current;
  }

  get list(): VerifiedTrustList | null {
    return this.current;
  }

  member(node: string): Types.TrustListMember | undefined {
    return this.current?.list.members.find((m) => m.node === node);
  }

  /** For /readyz: in force, expiring soon, expired or absent. */
  status(warnMs: number): {
    state: "absent" | "expired" | "expiring" | "ok";
    version?: number;
    expiresAt?: string;
  } {
    if (!this.current) return { state: "absent" };
    const { version, expiresAt } = this.current.list;
    const left = Date.parse(expiresAt) - this.clock.now().getTime();
    return { state: left <= 0 ? "expired" : left < warnMs ? "expiring" : "ok", version, expiresAt };
  }
}
