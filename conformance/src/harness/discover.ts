import { isDeepStrictEqual } from "node:util";
import {
  importPublicKey,
  parseCanonicalObject,
  parseCompact,
  assertSignature,
  thumbprint,
  validateDocument,
  type Types,
} from "@frx/spec";
import { check, holds } from "./check.js";
import type { Http } from "./http.js";

/** What the harness learns about the node under test before any test runs. */
export interface NodeInfo {
  url: string;
  id: string;
  software: { name: string; version: string };
  metadata: Types.NodeMetadata;
  metadataJws: string;
  /** The node as a trust-list member: from the kit's trust list, else from its metadata. */
  member: Types.TrustListMember;
  /** Whether `member` came from the trust list (false: trusted on first use from metadata). */
  memberFromTrustList: boolean;
}

/**
 * Reads /.well-known/frx-node and verifies its signature: with the node's key from the
 * trust list when the kit lists the node, else with a key the metadata itself lists.
 */
export async function discover(
  http: Http,
  expectedNode: string,
  trustList: Types.TrustList,
): Promise<NodeInfo> {
  const reply = await http.call("GET", "/.well-known/frx-node");
  check(reply.status === 200, `GET /.well-known/frx-node answered ${reply.status}`);
  const { metadata: claimed, jws } = reply.json<{ metadata?: unknown; jws?: unknown }>();
  check(typeof jws === "string", "the node metadata carries no jws");
  const listed = trustList.members.find((m) => m.node === expectedNode);
  return holds("the node's signed metadata", () => {
    const parsed = parseCompact(jws, "frx-metadata+jws");
    const metadata = validateDocument<Types.NodeMetadata>(
      "documents/node-metadata.json",
      parseCanonicalObject(parsed.payload),
    );
    check(
      claimed === undefined || isDeepStrictEqual(metadata, claimed),
      "the unsigned metadata differs from the signed one",
    );
    check(
      metadata.node === expectedNode,
      `the node says it is ${metadata.node}, the kit is for ${expectedNode}`,
    );
    const keys = listed?.signingKeys ?? metadata.signingKeys;
    const key = keys.find((k) => k.jwk.kid === parsed.header.kid);
    check(
      key,
      `the metadata is signed with kid ${parsed.header.kid}, not a key of ${expectedNode}`,
    );
    check(thumbprint(key.jwk) === key.jwk.kid, "the signing key's kid is not its thumbprint");
    assertSignature(parsed, importPublicKey(key.jwk));
    const member: Types.TrustListMember = listed ?? {
      node: metadata.node,
      name: metadata.name,
      endpoint: metadata.endpoints.federation,
      signingKeys: metadata.signingKeys,
      encryptionKey: metadata.encryptionKey,
      status: "active",
    };
    return {
      url: http.base,
      id: metadata.node,
      software: metadata.software,
      metadata,
      metadataJws: jws,
      member,
      memberFromTrustList: listed !== undefined,
    };
  });
}
