import {
  DEFAULT_SKEW_SECONDS,
  FrxError,
  importPublicKey,
  parseCanonicalObject,
  parseCompact,
  assertSignature,
  findKey,
  validateDocument,
  type ResolvedKey,
  type Types,
  parseInstant,
} from "@frx/spec";
import type { KeyObject } from "node:crypto";
import { Mutex } from "../pipeline/mutex.js";
import type { Clock } from "../runtime/clock.js";
import type { Logger } from "../runtime/logger.js";
import type { Store } from "../store/store.js";
import { DIRECTORY_ANSWER_BYTES, type PeerClient } from "./peer-client.js";
import type { TrustState } from "./trust-state.js";

/** What is kept per peer under `dir!<node>` in the `peers` sublevel. */
export interface CachedDirectory {
  fetchedAt: string;
  directory: Types.Directory;
  /** The peer's signed directory, as fetched (absent in entries stored by older versions). */
  jws?: string;
}

/** A key of a peer's agency, with that agency's status in the peer's directory. */
export type PeerKey = ResolvedKey & { status: Types.Directory["participants"][number]["status"] };

/**
 * Peers' directories (their agencies, roles, powers and keys), fetched from each peer's
 * federation API, checked against the peer's key in the trust list, and cached in the store
 * with the signed JWS, so a peer outage does not stop this node judging envelopes for it. An
 * unknown kid or an unresolvable address refetches, at most once per cooldown; a known key
 * that fails forces one refresh. A fetched directory older than the cached one, or dated in
 * the future beyond the skew, or listing another node's agencies, never replaces it
 * (FRX-FED-006, FRX-FED-069).
 */
export class PeerDirectories {
  private readonly memo = new Map<string, CachedDirectory>();
  private readonly lastFetch = new Map<string, number>();
  private readonly fetching = new Map<string, Promise<Types.Directory | undefined>>();
  private readonly keyCache = new Map<string, KeyObject>();
  /** Compare-and-replace of the cached directory, one at a time. */
  private readonly writes = new Mutex();

  constructor(
    private readonly store: Store,
    private readonly trust: TrustState,
    private readonly client: PeerClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cooldownMs: number,
    private readonly skewSeconds: number = DEFAULT_SKEW_SECONDS,
  ) {}

  async get(node: string): Promise<Types.Directory | undefined> {
    return (await this.cached(node))?.directory;
  }

  /** The peer's cached directory with the JWS it signed, for passing on as evidence. */
  async signed(node: string): Promise<{ directory: Types.Directory; jws: string } | undefined> {
    const c = await this.cached(node);
    return c?.jws ? { directory: c.directory, jws: c.jws } : undefined;
  }

  /**
   * The status the peer's cached directory gives one of its participants, or undefined when
   * it does not list it (ingest answers `auth.participant-disabled` for a disabled one).
   */
  async participantStatus(
    node: string,
    id: string,
  ): Promise<Types.Directory["participants"][number]["status"] | undefined> {
    return (await this.get(node))?.participants.find((p) => p.id === id)?.status;
  }

  /**
   * Fetches a peer's directory now and stores it if it is valid and not older than the cached
   * one; returns the directory in use afterwards, or undefined when the peer is unreachable
   * (or its answer invalid) and nothing is cached. Callers that ask while a fetch is under way
   * share it.
   */
  refresh(node: string): Promise<Types.Directory | undefined> {
    const running = this.fetching.get(node);
    if (running) return running;
    const fetch = this.fetchDirectory(node).finally(() => this.fetching.delete(node));
    this.fetching.set(node, fetch);
    return fetch;
  }

  private async fetchDirectory(node: string): Promise<Types.Directory | undefined> {
    this.lastFetch.set(node, this.clock.now().getTime());
    const member = this.trust.member(node);
    if (!member) throw new FrxError("trust.member-unknown", `${node} is not in the trust list`);
    let fetched: { directory: Types.Directory; jws: string };
    try {
      const res = await this.client.call(
        "GET",
        `${member.endpoint}/directory`,
        undefined,
        undefined,
        DIRECTORY_ANSWER_BYTES,
      );
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      const { jws } = JSON.parse(res.text) as { jws: unknown };
      if (typeof jws !== "string") throw new Error("the answer has no directory JWS");
      const parsed = parseCompact(jws, "frx-directory+jws");
      const directory = validateDocument<Types.Directory>(
        "documents/directory.json",
        parseCanonicalObject(parsed.payload),
      );
      const key = findKey([member], parsed.header.kid, directory.issuedAt);
      if (!key || directory.node !== node)
        throw new FrxError("trust.member-unknown", `${node}'s directory is not signed by ${node}`);
      assertSignature(parsed, key.key);
      fetched = { directory, jws };
    } catch (error) {
      this.logger.warn("peer.directory-fetch-failed", { node, error: String(error) });
      return this.get(node);
    }
    return this.writes.run(async () => {
      const cached = await this.cached(node);
      const issued = parseInstant(fetched.directory.issuedAt, "/issuedAt");
      const now = this.clock.now();
      const stale = cached && issued < parseInstant(cached.directory.issuedAt, "/issuedAt");
      const future = issued > now.getTime() + this.skewSeconds * 1000;
      // A node speaks for its own agencies only (FRX-FED-069).
      const foreign = fetched.directory.participants
        .map((p) => p.id)
        .filter((id) => !id.startsWith(`${node}:`));
      if (stale || future || foreign.length > 0) {
        this.logger.warn("peer.directory-refused", {
          node,
          issuedAt: fetched.directory.issuedAt,
          ...(cached ? { cachedIssuedAt: cached.directory.issuedAt } : {}),
          reason: stale
            ? "older than the cached directory"
            : future
              ? "dated in the future"
              : `lists participants of other nodes: ${foreign.slice(0, 5).join(", ")}`,
        });
        return cached?.directory;
      }
      const entry: CachedDirectory = {
        fetchedAt: now.toISOString(),
        directory: fetched.directory,
        jws: fetched.jws,
      };
      await this.store.commit([
        { type: "put", aggregate: "peers", key: `dir!${node}`, value: entry },
      ]);
      this.memo.set(node, entry);
      for (const p of fetched.directory.participants)
        for (const k of p.keys) this.keyCache.delete(k.kid);
      return fetched.directory;
    });
  }

  /** The peer's directory, fetching it if none is cached yet. */
  async ensure(node: string): Promise<Types.Directory | undefined> {
    return (await this.get(node)) ?? (await this.refresh(node));
  }

  /**
   * Refetches the peer's directory unless it was fetched less than a cooldown ago (FRX-FED-008,
   * FRX-FED-010); returns the directory fetched, or undefined when the cooldown forbade it.
   */
  async refreshIfDue(node: string): Promise<Types.Directory | undefined> {
    // Envelopes of one transaction are verified together: those that find the kid unknown
    // while a fetch is under way wait for it rather than being refused at once.
    const running = this.fetching.get(node);
    if (running) return running.catch(() => undefined);
    const last = this.lastFetch.get(node);
    if (last !== undefined && this.clock.now().getTime() - last < this.cooldownMs) return undefined;
    return this.refresh(node);
  }

  /**
   * A key resolver for envelopes from `node`'s agencies, refetching once (after the cooldown)
   * for an unknown kid. It resolves the keys of every participant, whatever its status, and
   * says which: the caller refuses a disabled agency with `auth.participant-disabled`. The
   * peer's own signing keys from the list in force resolve too, owned by `node` itself, so that
   * they verify the notices it sends as `<node>:NODE` and nothing else (FRX-FED-032).
   */
  resolverFor(node: string): (kid: string) => Promise<PeerKey | undefined> {
    return async (kid) => {
      const found = this.lookup(await this.get(node), kid) ?? this.nodeKey(node, kid);
      if (found) return found;
      const fresh = await this.refreshIfDue(node);
      return fresh ? this.lookup(fresh, kid) : undefined;
    };
  }

  /** The keys the cached directory and the list in force give `node`, without fetching anything. */
  peekResolverFor(node: string): (kid: string) => Promise<PeerKey | undefined> {
    return async (kid) => this.lookup(await this.get(node), kid) ?? this.nodeKey(node, kid);
  }

  /**
   * The stored directory, kept parsed in memory after the first read: it is consulted several
   * times for every envelope a peer sends, and only refresh() replaces it.
   */
  private async cached(node: string): Promise<CachedDirectory | undefined> {
    let entry = this.memo.get(node);
    if (!entry) {
      entry = await this.store.get<CachedDirectory>("peers", `dir!${node}`);
      if (entry) this.memo.set(node, entry);
    }
    return entry;
  }

  /** A signing key the list in force gives `node`, with its notAfter as the retirement. */
  private nodeKey(node: string, kid: string): PeerKey | undefined {
    const member = this.trust.member(node);
    const k = member?.signingKeys.find((x) => x.jwk.kid === kid);
    if (!member || !k) return undefined;
    return {
      key: importPublicKey(k.jwk),
      owner: node,
      status: member.status === "active" ? "active" : "disabled",
      ...(k.notAfter ? { retiredAt: k.notAfter } : {}),
    };
  }

  private lookup(directory: Types.Directory | undefined, kid: string): PeerKey | undefined {
    for (const p of directory?.participants ?? []) {
      const k = p.keys.find((x) => x.kid === kid);
      if (!k) continue;
      let key = this.keyCache.get(kid);
      if (!key) {
        key = importPublicKey(k);
        this.keyCache.set(kid, key);
      }
      return {
        key,
        owner: p.id,
        status: p.status,
        ...(k.notAfter ? { retiredAt: k.notAfter } : {}),
      };
    }
    return undefined;
  }
}
