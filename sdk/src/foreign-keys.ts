import { MAX_DOCUMENT_BYTES } from "./bounds.js";
import {
  findKey,
  importPublicKey,
  thumbprint,
  type ResolvedKey,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import type { Http } from "./http.js";
import type { CallOptions } from "./options.js";
import { agencyKeysOf, checkDocument, invalid, verifySignedDocument } from "./signed-document.js";

/**
 * Keys of agencies at other nodes, and of those nodes themselves, for verifying cross-border
 * messages in the inbox: the foreign node's directory as this agency's node holds it, verified against that node's key
 * in the federation trust list (which the agency takes from its own node). Loaded once per
 * foreign node and again when a kid is not in it.
 */
export class ForeignKeys {
  private readonly byNode = new Map<string, Map<string, ResolvedKey>>();

  constructor(private readonly http: Http) {}

  async key(
    node: string,
    kid: string,
    options: CallOptions = {},
  ): Promise<ResolvedKey | undefined> {
    const known = this.byNode.get(node)?.get(kid);
    if (known) return known;
    const keys = await this.load(node, options);
    this.byNode.set(node, keys);
    return keys.get(kid);
  }

  private async load(node: string, options: CallOptions): Promise<Map<string, ResolvedKey>> {
    const served = await this.http.json<{ trustList?: SignedTrustList } | null>({
      method: "GET",
      path: "/v1/trust-list",
      auth: false,
      maxBytes: MAX_DOCUMENT_BYTES,
      ...options,
    });
    const trustList = served?.trustList;
    if (typeof trustList?.payload !== "string") throw invalid("the node serves no trust list");
    const list = checkDocument<Types.TrustList>(
      "documents/trust-list.json",
      JSON.parse(Buffer.from(trustList.payload, "base64url").toString("utf8")),
    );
    const member = list.members.find((m) => m.node === node);
    if (!member) throw invalid(`${node} is not in the trust list`);
    const reply = await this.http.json<{ jws?: unknown }>({
      method: "GET",
      path: `/v1/directories/${node}`,
      auth: false,
      maxBytes: MAX_DOCUMENT_BYTES,
      ...options,
    });
    // The node key is judged at the directory's own issuedAt (FRX-TRUST-022), read from the
    // payload the signature then covers: a peer's routine key rotation leaves it valid.
    const issuedAt = claimedIssuedAt(reply.jws);
    const payload = await verifySignedDocument(reply.jws, "frx-directory+jws", (kid) => {
      const found = issuedAt ? findKey([member], kid, issuedAt) : undefined;
      return found ? { key: found.key, owner: node } : undefined;
    });
    const directory = checkDocument<Types.Directory>("documents/directory.json", payload);
    if (directory.node !== node)
      throw invalid(`the directory is ${directory.node}'s, not ${node}'s`);
    const keys = agencyKeysOf(directory);
    // The foreign node's own keys verify the notices it sends as <node>:NODE (FRX-FED-032).
    for (const k of member.signingKeys)
      keys.set(thumbprint(k.jwk), {
        key: importPublicKey(k.jwk),
        owner: node,
        ...(k.notAfter ? { retiredAt: k.notAfter } : {}),
      });
    return keys;
  }
}

/** The `issuedAt` a directory JWS claims, before its signature is checked; undefined if unreadable. */
function claimedIssuedAt(jws: unknown): string | undefined {
  if (typeof jws !== "string") return undefined;
  try {
    const payload = JSON.parse(
      Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8"),
    ) as { issuedAt?: unknown };
    return typeof payload.issuedAt === "string" ? payload.issuedAt : undefined;
  } catch {
    return undefined;
  }
}
