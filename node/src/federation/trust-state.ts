import {
  assertInForce,
  FrxError,
  verifyTrustList,
  type SignedTrustList,
  type Types,
  type VerifiedTrustList,
  parseInstant,
} from "@frx/spec";
import type { NodeKeys } from "../config/keys.js";
import type { Clock } from "../runtime/clock.js";
import type { Logger } from "../runtime/logger.js";
import { pad } from "../store/db.js";
import type { Store } from "../store/store.js";
import { assertOwnEntry } from "./own-entry.js";

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
    /** Where load() reports a chain it cannot verify (stderr when none is given). */
    private readonly logger?: Logger,
    /**
     * This node: a list whose entry for it gives it keys it does not hold is refused on apply,
     * and on load (the node does not start) (FRX-TRUST-029). Absent in tools that read lists only.
     */
    private readonly self?: { node: string; keys: () => NodeKeys; skewSeconds: number },
  ) {}

  /**
   * Loads and re-verifies the stored chain. Lists stored while no genesis digest is pinned
   * (the pin was removed from the configuration, or never written) cannot be verified: the
   * node then starts with federation off and logs why, so offline commands keep working and
   * the operator can pin the digest again. A chain that does not verify against the pin
   * still throws: that is tampering, not a missing setting.
   */
  async load(): Promise<void> {
    const stored = await this.store.range<SignedTrustList>("trust", { gte: "v!", lt: "v!~" });
    this.current = null;
    if (stored.length === 0) return;
    const pinned = this.genesis();
    if (!pinned) {
      const fields = {
        versions: stored.length,
        detail:
          "trust lists are stored but no genesis digest is pinned (federation.genesisDigest): federation stays off until it is pinned again",
      };
      if (this.logger) this.logger.error("trust.genesis-pin-missing", fields);
      else
        process.stderr.write(
          JSON.stringify({ level: "error", event: "trust.genesis-pin-missing", ...fields }) + "\n",
        );
      return;
    }
    let previous: VerifiedTrustList | undefined;
    for (const [, signed] of stored) {
      previous = previous
        ? verifyTrustList(signed, { previous })
        : verifyTrustList(signed, { pinnedDigest: pinned });
    }
    if (previous && this.self) assertOwnEntry(previous, this.self.node, this.self.keys());
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
    // A version dated beyond the skew would make every honest next one look backdated (FRX-TRUST-009).
    const time = {
      now: this.clock.now(),
      ...(this.self ? { skewSeconds: this.self.skewSeconds } : {}),
    };
    const next = this.current
      ? verifyTrustList(signed, { previous: this.current, ...time })
      : verifyTrustList(signed, { pinnedDigest: genesis!, ...time });
    if (this.self) assertOwnEntry(next, this.self.node, this.self.keys());
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

  /**
   * The list in force, for federating as `self`: also refuses, with `trust.member-suspended`,
   * when that list suspends `self` or does not list it at all. Such a node neither sends nor
   * accepts transactions and wakes (FRX-TRUST-027, FRX-TRUST-028).
   */
  inForceFor(self: string): VerifiedTrustList {
    const trust = this.inForce();
    const me = trust.list.members.find((m) => m.node === self);
    if (!me || me.status !== "active")
      throw new FrxError(
        "trust.member-suspended",
        me
          ? `${self} is suspended in trust list version ${trust.list.version}: it neither sends nor receives`
          : `${self} is not a member of trust list version ${trust.list.version}: it neither sends nor receives`,
      );
    return trust;
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
    const left = parseInstant(expiresAt, "/expiresAt") - this.clock.now().getTime();
    return { state: left <= 0 ? "expired" : left < warnMs ? "expiring" : "ok", version, expiresAt };
  }
}
