import {
  FrxError,
  importPublicKey,
  parseCanonicalObject,
  parseCompact,
  assertSignature,
  findKey,
  validateDocument,
  type ResolvedKey,
  type Types,
} from "@frx/spec";
import type { KeyObject } from "node:crypto";
import type { Clock } from "../runtime/clock.js";
import type { Logger } from "../runtime/logger.js";
import type { Store } from "../store/store.js";
import type { PeerClient } from "./peer-client.js";
import type { TrustState } from "./trust-state.js";

interface CachedDirectory {
  fetchedAt: string;
  directory: Types.Directory;
}

/**
 * Peers' directories (their agencies, roles, powers and keys), fetched from each peer's
 * federation API, checked against the peer's key in the trust list, and cached in the store
 * so a peer outage does not stop this node judging envelopes for it. An unknown kid refetches,
 * at most once per cooldown; a known key that fails forces one refresh.
 */
export class PeerDirectories {
  private readonly lastFetch = new Map<string, number>();
  private readonly keyCache = new Map<string, KeyObject>();

  constructor(
    private readonly store: Store,
    private readonly trust: TrustState,
    private readonly client: PeerClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cooldownMs: number,
  ) {}

  async get(node: string): Promise<Types.Directory | undefined> {
    return (await this.store.get<CachedDirectory>("peers", `dir!${node}`))?.directory;
  }

  /** Fetches and stores a peer's directory now; returns it, or undefined when the peer is unreachable. */
  async refresh(node: string): Promise<Types.Directory | undefined> {
    this.lastFetch.set(node, this.clock.now().getTime());
    const member = this.trust.member(node);
    if (!member) throw new FrxError("trust.member-unknown", `${node} is not in the trust list`);
    try {
      const res = await this.client.call("GET", `${member.endpoint}/directory`);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      const { jws } = JSON.parse(res.text) as { jws: string };
      const parsed = parseCompact(jws, "frx-directory+jws");
      const directory = validateDocument<Types.Directory>(
        "documents/directory.json",
        parseCanonicalObject(parsed.payload),
      );
      const key = findKey([member], parsed.header.kid, directory.issuedAt);
      if (!key || directory.node !== node)
        throw new FrxError("trust.member-unknown", `${node}'s directory is not signed by ${node}`);
      assertSignature(parsed, key.key);
      await this.store.commit([
        {
          type: "put",
          aggregate: "peers",
          key: `dir!${node}`,
          value: { fetchedAt: this.clock.now().toISOString(), directory },
        },
      ]);
      for (const p of directory.participants) for (const k of p.keys) this.keyCache.delete(k.kid);
      return directory;
    } catch (error) {
      this.logger.warn("peer.directory-fetch-failed", { node, error: String(error) });
      return undefined;
    }
  }

  /** The peer's directory, fetching it if none is cached yet. */
  async ensure(node: string): Promise<Types.Directory | undefined> {
    return (await this.get(node)) ?? (await this.refresh(node));
  }

  /** A key resolver for envelopes from `node`'s agencies, refetching once (after the cooldown) for an unknown kid. */
  resolverFor(node: string): (kid: string) => Promise<ResolvedKey | undefined> {
    return async (kid) => {
      let found = this.lookup(await this.get(node), kid);
      const last = this.lastFetch.get(node) ?? 0;
      if (!found && this.clock.now().getTime() - last >= this.cooldownMs)
        found = this.lookup(await this.refresh(node), kid);
      return found;
    };
  }

  private lookup(directory: Types.Directory | undefined, kid: string): ResolvedKey | undefined {
    for (const p of directory?.participants ?? []) {
      const k = p.keys.find((x) => x.kid === kid);
      if (!k || p.status !== "active") continue;
      let key = this.keyCache.get(kid);
      if (!key) {
        key = importPublicKey(k);
        this.keyCache.set(kid, key);
      }
      return { key, owner: p.id, ...(k.notAfter ? { retiredAt: k.notAfter } : {}) };
    }
    return undefined;
  }
}
