import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { PEER_AGENCY } from "../kit/agencies.js";
import type { PeerDocuments } from "../peer/documents.js";
import { section } from "./define.js";

/** What the node does with a member's bad answer to a registry lookup (federation.md, "Registries"). */
const t = section("federation/registry-lookup", "federation");

interface Result {
  node: string;
  status: string;
  code?: string;
  registry?: unknown;
}

/** LI's lookup with the peer answering as `fault` says: the peer's result. */
async function peerResult(
  h: Harness,
  fault: PeerDocuments["registryFault"],
  authority: string | null = null,
): Promise<Result> {
  h.peer.docs.registryFault = fault;
  h.peer.docs.registryAuthority = authority;
  try {
    const q = new URLSearchParams({ registrationNumber: "CONF-LOOKUP-1", issuer: h.node.id });
    const r = await h.call("GET", `/v1/registry/lookup?${q.toString()}`, { as: "LI" });
    check(r.status === 200, `the lookup answered ${r.status}: ${r.text.slice(0, 200)}`);
    const result = (r.json<{ results?: Result[] }>().results ?? []).find(
      (x) => x.node === h.peer.node,
    );
    check(result, `the lookup leaves ${h.peer.node} out`);
    return result;
  } finally {
    h.peer.docs.registryFault = null;
    h.peer.docs.registryAuthority = null;
  }
}

export const registryLookupPeerTests = [
  t("FRX-REG-005", async (h) => {
    same((await peerResult(h, null)).status, "answered", "a right answer from the peer");
    for (const [fault, code] of [
      ["shape", "registry.answer-invalid"],
      ["stranger", "registry.signature-invalid"],
    ] as const) {
      const r = await peerResult(h, fault);
      same(
        [r.status, r.code, r.registry],
        ["refused", code, undefined],
        `an answer bent (${fault})`,
      );
    }
  }),

  t("FRX-REG-006", async (h) => {
    const r = await peerResult(h, "query");
    same([r.status, r.code], ["refused", "registry.query-mismatch"], "an answer to another query");
  }),

  t("FRX-REG-007", async (h) => {
    const listed = await peerResult(h, null, PEER_AGENCY);
    same(
      [listed.status, (listed.registry as { entries?: unknown[] } | undefined)?.entries?.length],
      ["answered", 1],
      `an answer listing a decision of ${PEER_AGENCY}, which XA's directory lists`,
    );
    for (const authority of [h.id("LI"), `${h.peer.node}:CONF-NOBODY`]) {
      const r = await peerResult(h, null, authority);
      same(
        [r.status, r.code, r.registry],
        ["refused", "registry.foreign-entry", undefined],
        `an answer listing a decision of ${authority}`,
      );
    }
  }),
];
