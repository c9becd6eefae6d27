import { MAX_DOCUMENT_BYTES } from "./bounds.js";
import type { ResolvedKey, Types } from "@frx/spec";
import { ForeignKeys } from "./foreign-keys.js";
import type { Http } from "./http.js";
import type { CallOptions, ResolvedOptions } from "./options.js";
import {
  agencyKeysOf,
  checkDocument,
  invalid,
  nodeKeysOf,
  verifySignedDocument,
} from "./signed-document.js";

interface Cached<T> {
  value: T;
  keys: Map<string, ResolvedKey>;
  at: number;
}

/**
 * The node's signed documents, fetched on demand and cached: its metadata (with the key that
 * signs receipts, directories and notices) and its directory (agencies, roles, mandates and
 * keys). A key id not in the cache triggers one refresh, so rotations are picked up.
 */
export class NodeDocuments {
  private readonly meta: Slot<Cached<Types.NodeMetadata>>;
  private readonly dir: Slot<Cached<Types.Directory>>;
  private readonly foreign: ForeignKeys;

  constructor(
    private readonly http: Http,
    private readonly o: ResolvedOptions,
  ) {
    const fresh = (c: Cached<unknown>) => this.now() - c.at <= o.directoryTtlMs;
    this.meta = new Slot<Cached<Types.NodeMetadata>>(fresh);
    this.dir = new Slot<Cached<Types.Directory>>(fresh);
    this.foreign = new ForeignKeys(http);
  }

  async metadata(options: CallOptions & { refresh?: boolean } = {}): Promise<Types.NodeMetadata> {
    return (await this.cachedMetadata(options)).value;
  }

  async directory(options: CallOptions & { refresh?: boolean } = {}): Promise<Types.Directory> {
    return (await this.cachedDirectory(options)).value;
  }

  /** The node's key for `kid`, refreshing the metadata once if it is not known. */
  async nodeKey(kid: string, options: CallOptions = {}): Promise<ResolvedKey | undefined> {
    const known = (await this.cachedMetadata(options)).keys.get(kid);
    if (known) return known;
    return (await this.cachedMetadata({ ...options, refresh: true })).keys.get(kid);
  }

  /** The key for a message from `fromNode`: a foreign agency's from its node's directory, else as anyKey. */
  keyFor(
    fromNode: string | undefined,
    kid: string,
    options: CallOptions = {},
  ): Promise<ResolvedKey | undefined> {
    if (fromNode && fromNode !== this.o.node) return this.foreign.key(fromNode, kid, options);
    return this.anyKey(kid, options);
  }

  /** An agency's key (from the directory) or the node's own, refreshing once if unknown. */
  async anyKey(kid: string, options: CallOptions = {}): Promise<ResolvedKey | undefined> {
    const found = (await this.cachedDirectory(options)).keys.get(kid);
    if (found) return found;
    const node = await this.nodeKey(kid, options);
    if (node) return node;
    return (await this.cachedDirectory({ ...options, refresh: true })).keys.get(kid);
  }

  private cachedMetadata(
    options: CallOptions & { refresh?: boolean },
  ): Promise<Cached<Types.NodeMetadata>> {
    return this.meta.get(options, (o) => this.loadMetadata(o));
  }

  private cachedDirectory(
    options: CallOptions & { refresh?: boolean },
  ): Promise<Cached<Types.Directory>> {
    return this.dir.get(options, (o) => this.loadDirectory(o));
  }

  private async loadMetadata(options: CallOptions): Promise<Cached<Types.NodeMetadata>> {
    const reply = await this.http.json<{ metadata?: unknown; jws?: unknown }>({
      method: "GET",
      path: "/.well-known/frx-node",
      auth: false,
      ...options,
    });
    // Self-signed: check the payload against its own listed keys. The trust anchor is the
    // federation trust list; an agency that pins its node's key compares it with `keys`.
    const unverified = checkDocument<Types.NodeMetadata>(
      "documents/node-metadata.json",
      reply.metadata,
    );
    const claimed = nodeKeysOf(unverified);
    const payload = await verifySignedDocument(reply.jws, "frx-metadata+jws", (kid) =>
      claimed.get(kid),
    );
    const value = checkDocument<Types.NodeMetadata>("documents/node-metadata.json", payload);
    if (value.node !== this.o.node)
      throw invalid(`the node at ${this.o.nodeUrl} is ${value.node}, not ${this.o.node}`);
    return { value, keys: nodeKeysOf(value), at: this.now() };
  }

  private async loadDirectory(options: CallOptions): Promise<Cached<Types.Directory>> {
    const reply = await this.http.json<{ jws?: unknown }>({
      method: "GET",
      path: "/v1/directory",
      auth: false,
      maxBytes: MAX_DOCUMENT_BYTES,
      ...options,
    });
    const payload = await verifySignedDocument(reply.jws, "frx-directory+jws", (kid) =>
      this.nodeKey(kid, options),
    );
    const value = checkDocument<Types.Directory>("documents/directory.json", payload);
    if (value.node !== this.o.node)
      throw invalid(`the directory is node ${value.node}'s, not ${this.o.node}'s`);
    return { value, keys: agencyKeysOf(value), at: this.now() };
  }

  private now(): number {
    return this.o.clock.now().getTime();
  }
}

/**
 * One cached value: a load is shared while in flight, forgotten on failure (so an abort by the
 * caller that started it costs the others one retry, not a poisoned cache), reloaded when stale.
 */
class Slot<T> {
  private current: Promise<T> | undefined;
  private settled: T | undefined;

  constructor(private readonly fresh: (value: T) => boolean) {}

  get(
    options: CallOptions & { refresh?: boolean },
    load: (o: CallOptions) => Promise<T>,
  ): Promise<T> {
    const stale = this.settled !== undefined && !this.fresh(this.settled);
    if (this.current && !options.refresh && !stale) return this.current;
    const { refresh: _refresh, ...call } = options;
    const next = load(call).then((value) => {
      if (this.current === next) this.settled = value;
      return value;
    });
    this.current = next;
    this.settled = undefined;
    next.catch(() => {
      if (this.current === next) this.current = undefined;
    });
    return next;
  }
}
