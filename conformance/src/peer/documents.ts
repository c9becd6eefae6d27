import { generateKeyPairSync } from "node:crypto";
import {
  canonicalize,
  createSigner,
  generateSigningKey,
  digestOf,
  messageTypeValues,
  publicJwkOf,
  REPLY_TYP,
  signCompact,
  signNodeDocument,
  signReceipt,
  thumbprint,
  validateDocument,
  type PublicJwk,
  type Signer,
  type Types,
} from "@frx/spec";
import { SUITE } from "../version.js";
import { ulid } from "../harness/ulid.js";
import type { KitSecrets } from "../kit/files.js";

const encoder = new TextEncoder();

/** The harness peer's signed documents: directory, metadata, receipts and replies. */

/** An X25519 public key whose private half nobody kept: what a node seals to it is lost. */
const DECOY_X = (generateKeyPairSync("x25519").publicKey.export({ format: "jwk" }) as { x: string })
  .x;

export class PeerDocuments {
  readonly signer: Signer;
  /** Keys and participants a test adds at run time (a rotated agency key, a new agency). */
  readonly extraKeys: PublicJwk[] = [];
  readonly extraParticipants: Types.DirectoryParticipant[] = [];
  /** A fault of the served directory's signature (FRX-FED-005): a stranger's key, or another typ. */
  directoryFault: "stranger" | "typ" | null = null;
  /** The served directory's issuedAt, as an offset from now (FRX-FED-006). */
  directoryAgeMs = 0;
  /** Extra keys served as retired, by kid, with their notAfter (FRX-FED-009). */
  readonly retiredKeys = new Map<string, string>();
  /** How the peer's registry answers a query (FRX-REG-005, -006): right, or bent one way. */
  registryFault: "shape" | "stranger" | "query" | null = null;
  /** When set, XA's registry answers list one decision, made by this authority (FRX-REG-007). */
  registryAuthority: string | null = null;

  constructor(
    readonly node: string,
    readonly agency: string,
    private readonly secrets: KitSecrets,
    readonly url: string,
  ) {
    this.signer = createSigner(secrets.nodes[node]!.signing);
  }

  /** XA's directory: its one agency, which accepts every message type. */
  directory(): { directory: Types.Directory; jws: string } {
    const key = publicJwkOf(this.secrets.peerAgency);
    const directory = validateDocument<Types.Directory>("documents/directory.json", {
      frx: "1",
      node: this.node,
      issuedAt: new Date(Date.now() - this.directoryAgeMs).toISOString(),
      participants: [
        {
          id: this.agency,
          name: "Conformance harness peer agency",
          roles: ["labour_inspectorate", "victim_services"],
          orgType: "LabourInspectorate",
          immigrationFunctions: false,
          powers: ["workplace_inspection", "victim_protection"],
          acceptedTypes: [...messageTypeValues],
          keys: [key, ...this.extraKeys].map((k) => {
            const notAfter = this.retiredKeys.get(k.kid!);
            return {
              kty: "OKP" as const,
              crv: "Ed25519" as const,
              x: k.x,
              kid: k.kid!,
              ...(notAfter
                ? { status: "retired" as const, notAfter }
                : { status: "current" as const }),
            };
          }),
          status: "active",
        },
        ...this.extraParticipants,
      ],
    });
    const bytes = encoder.encode(canonicalize(directory));
    const jws =
      this.directoryFault === "stranger"
        ? signCompact(bytes, "frx-directory+jws", createSigner(generateSigningKey().privateJwk))
        : this.directoryFault === "typ"
          ? signCompact(bytes, "frx-metadata+jws", this.signer)
          : this.sign(directory, "frx-directory+jws");
    return { directory, jws };
  }

  /** XA's registry for a query: no entries, signed (or bent as `registryFault` says). */
  registry(query: { registrationNumber: string; issuer: string }): { jws: string } {
    const asked =
      this.registryFault === "query"
        ? { ...query, registrationNumber: `${query.registrationNumber}X` }
        : query;
    const doc: Record<string, unknown> = {
      frx: "1",
      node: this.node,
      issuedAt: new Date().toISOString(),
      query: asked,
      entries: this.registryAuthority ? [decision(query, this.registryAuthority)] : [],
    };
    if (this.registryFault === "shape") delete doc.entries;
    const bytes = encoder.encode(canonicalize(doc));
    const signer =
      this.registryFault === "stranger"
        ? createSigner(generateSigningKey().privateJwk)
        : this.signer;
    return { jws: signCompact(bytes, "frx-registry+jws", signer) };
  }

  /** Signed metadata whose endpoint and encryption key are decoys, unlike the trust list's. */
  metadata(): { metadata: Types.NodeMetadata; jws: string } {
    const sig = publicJwkOf(this.secrets.nodes[this.node]!.signing);
    const enc = this.secrets.nodes[this.node]!.encryption;
    const metadata = validateDocument<Types.NodeMetadata>("documents/node-metadata.json", {
      frx: "1",
      node: this.node,
      name: "FRX conformance harness peer",
      software: { name: SUITE.name, version: SUITE.version },
      protocolVersions: ["1"],
      // Decoys: the trust list gives another endpoint and encryption key (FRX-FED-003).
      endpoints: { agency: `${this.url}/v1`, federation: `${this.url}/decoy/federation/v1` },
      signingKeys: [
        {
          jwk: { kty: "OKP", crv: "Ed25519", x: sig.x, kid: sig.kid!, use: "sig" },
          status: "current",
          notBefore: "2020-01-01T00:00:00Z",
        },
      ],
      encryptionKey: {
        kty: "OKP",
        crv: "X25519",
        x: DECOY_X,
        kid: thumbprint({ ...enc, x: DECOY_X }),
        use: "enc",
      },
      acceptedTypes: [...messageTypeValues],
    });
    return { metadata, jws: this.sign(metadata, "frx-metadata+jws") };
  }

  /** A receipt for one envelope; a test may make it echo another digest or id, or come from another node. */
  receipt(
    jws: string,
    o: { messageId: string; digest?: string; as?: { node: string; signer: Signer } },
  ): string {
    return signReceipt(
      {
        frx: "1",
        receiptId: ulid(),
        messageId: o.messageId,
        digest: o.digest ?? digestOf(jws),
        receivedAt: new Date().toISOString(),
        node: o.as?.node ?? this.node,
        status: "accepted",
        deliveredTo: [this.agency],
      },
      o.as?.signer ?? this.signer,
    );
  }

  /** The suspended harness member: a node the node under test did not send to. */
  other(node: string): { node: string; signer: Signer } {
    return { node, signer: createSigner(this.secrets.nodes[node]!.signing) };
  }

  reply(txnId: string, results: Types.TransactionResult[]): string {
    return signNodeDocument(
      { frx: "1", txnId, node: this.node, results },
      REPLY_TYP,
      "documents/transaction-reply.json",
      this.signer,
    );
  }

  private sign(doc: object, typ: "frx-directory+jws" | "frx-metadata+jws"): string {
    return signCompact(encoder.encode(canonicalize(doc)), typ, this.signer);
  }
}

/** A published administrative fine on the queried employer, decided by `authority`. */
function decision(
  query: { registrationNumber: string; issuer: string },
  authority: string,
): Record<string, unknown> {
  const today = new Date().toISOString().slice(0, 10);
  return {
    entryId: ulid(),
    entity: {
      employer: {
        legalName: "Conformance Test Fishing Co., Ltd.",
        registrationNumber: query.registrationNumber,
        registrationCountry: query.issuer,
      },
    },
    decision: {
      kind: "ADMIN_FINE",
      imposingAuthorityType: "labour_inspectorate",
      authority,
      status: "imposed",
      decidedOn: today,
      legalReference: "Conformance test basis",
      effectiveFrom: today,
    },
    status: "published",
    publishedAt: new Date(Date.now() - 3_600_000).toISOString(),
  };
}
