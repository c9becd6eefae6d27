import {
  checkRegistryAnswer,
  createSigner,
  generateSigningKey,
  signNodeDocument,
  validateDocument,
  type RegistryDocument,
} from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, eventually, type Member } from "./cluster.js";
import { payloadOf, tapPeers, type PeerAnswer } from "./taps.js";

let cluster: Cluster;
let th: Member;
let la: Member;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA", "KH"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
  // The Lao regulator suspended a Thai-registered agency's licence to recruit in Laos.
  await la.node.ctx.store.commit([
    {
      type: "put",
      aggregate: "registry",
      key: ENTRY.entryId,
      value: {
        id: ENTRY.entryId,
        publishedAt: ENTRY.publishedAt,
        messageId: ENTRY.entryId,
        entry: ENTRY,
      },
    },
  ]);
});
afterAll(async () => cluster.close());

const QUERY = { registrationNumber: "0105559087712", issuer: "TH" };
const ENTRY = {
  entryId: "01KJPY9M70DXSDTZ3KBKE5C74M",
  entity: {
    recruitmentAgency: {
      legalName: "Siam Marine Labour Service Co., Ltd.",
      registrationNumber: "0105559087712",
      country: "TH",
      chainRole: "origin",
    },
  },
  decision: {
    kind: "LICENCE_SUSPENSION",
    imposingAuthorityType: "recruitment_regulator",
    authority: "LA:DOSM",
    status: "imposed",
    decidedOn: "2026-02-27",
    legalReference: "Decree 245/GOV on the recruitment of Lao workers abroad",
  },
  status: "published",
  publishedAt: "2026-03-01T09:33:00Z",
};

type Result = {
  node: string;
  status: string;
  code?: string;
  jws?: string;
  registry?: RegistryDocument;
};
async function lookup(query: Record<string, string> = QUERY, who = "TH:DOE-REG") {
  const res = await th.as(who, `/v1/registry/lookup?${new URLSearchParams(query).toString()}`);
  return { status: res.status, body: (await res.json()) as { code?: string; results: Result[] } };
}

/** While `change` rewrites LA's registry answers to TH. */
async function withLaAnswer(change: (answer: PeerAnswer) => PeerAnswer): Promise<Result> {
  const tap = tapPeers(th, async (call, real) => {
    const answer = await real();
    return call.url.startsWith(`${la.url}/federation/v1/registry`) ? change(answer) : answer;
  });
  try {
    const { body } = await lookup();
    return body.results.find((r) => r.node === "LA")!;
  } finally {
    tap.restore();
  }
}
const laSigned = (doc: Record<string, unknown>, signing = la.keys.signing) =>
  JSON.stringify({
    jws: signNodeDocument(doc, "frx-registry+jws", "api/registry.json", createSigner(signing)),
  });
const laDocument = (text: string) =>
  payloadOf<RegistryDocument & Record<string, unknown>>((JSON.parse(text) as { jws: string }).jws);

describe("registry lookup across the federation (FRX-REG-001 to FRX-REG-007)", () => {
  it("returns every member's signed answer, the asking node first, each verifiable against the trust list", async () => {
    const { status, body } = await lookup();
    expect(status).toBe(200);
    expect(() => validateDocument("api/registry-lookup.json", body)).not.toThrow();
    expect(body.results.map((r) => [r.node, r.status])).toEqual([
      ["TH", "answered"],
      ["LA", "answered"],
      ["KH", "answered"],
    ]);
    const laResult = body.results.find((r) => r.node === "LA")!;
    const member = cluster.trustList.members.find((m) => m.node === "LA")!;
    const verified = checkRegistryAnswer(laResult.jws, member, QUERY);
    expect(verified.entries).toEqual([ENTRY]);
    expect(verified.query).toEqual(QUERY);
    expect(body.results.find((r) => r.node === "KH")!.registry!.entries).toEqual([]);
    // Another entity's question finds nothing, and says so for every member.
    const other = await lookup({ registrationNumber: "0105559087712", issuer: "LA" });
    expect(other.body.results.map((r) => r.registry?.entries.length)).toEqual([0, 0, 0]);
  });

  it("lists a member that does not answer as unreachable, never leaving it out", async () => {
    const tap = tapPeers(th, async (call, real) => {
      if (call.url.includes("/registry")) throw new Error("connection refused");
      return real();
    });
    try {
      const { body } = await lookup();
      expect(body.results.map((r) => [r.node, r.status, r.code])).toEqual([
        ["TH", "answered", undefined],
        ["LA", "unreachable", "federation.peer-unreachable"],
        ["KH", "unreachable", "federation.peer-unreachable"],
      ]);
    } finally {
      tap.restore();
    }
  });

  it("refuses and reports a member that answers with another country's entries", async () => {
    const r = await withLaAnswer((a) => {
      const doc = laDocument(a.text);
      const foreign = {
        ...ENTRY,
        entryId: "01KJPY9M70DXSDTZ3KBKE5C74N",
        decision: { ...ENTRY.decision, authority: "KH:MOLVT" },
      };
      return { ...a, text: laSigned({ ...doc, entries: [...doc.entries, foreign] }) };
    });
    expect(r).toMatchObject({ status: "refused", code: "registry.foreign-entry" });
    expect(r.registry).toBeUndefined();
    // Nor may it publish in the name of an agency its directory does not list.
    const ghost = await withLaAnswer((a) => {
      const doc = laDocument(a.text);
      const entry = { ...ENTRY, decision: { ...ENTRY.decision, authority: "LA:GHOST" } };
      return { ...a, text: laSigned({ ...doc, entries: [entry] }) };
    });
    expect(ghost).toMatchObject({ status: "refused", code: "registry.foreign-entry" });
    expect(th.logger.lines.some((l) => l.event === "registry.lookup-member-failed")).toBe(true);
  });

  it("refuses and reports a bad signature, a key the list does not give the member, and another node's document", async () => {
    const tampered = await withLaAnswer((a) => {
      const { jws } = JSON.parse(a.text) as { jws: string };
      const [h, p, s] = jws.split(".");
      // The second-last character carries signature bits only (the last one, padding too).
      const flipped = s!.slice(0, -2) + (s!.at(-2) === "A" ? "B" : "A") + s!.at(-1)!;
      return { ...a, text: JSON.stringify({ jws: [h, p, flipped].join(".") }) };
    });
    expect(tampered).toMatchObject({ status: "refused", code: "registry.signature-invalid" });
    const stranger = await withLaAnswer((a) => ({
      ...a,
      text: laSigned(laDocument(a.text), generateSigningKey().privateJwk),
    }));
    expect(stranger).toMatchObject({ status: "refused", code: "registry.signature-invalid" });
    const khs = await withLaAnswer((a) => ({
      ...a,
      text: laSigned({ ...laDocument(a.text), node: "KH" }, cluster.get("KH").keys.signing),
    }));
    expect(khs).toMatchObject({ status: "refused", code: "registry.signature-invalid" });
  });

  it("refuses an answer to another question, an entry about another entity, and an answer that is no registry", async () => {
    const replayed = await withLaAnswer((a) => ({
      ...a,
      text: laSigned({ ...laDocument(a.text), query: { ...QUERY, issuer: "LA" } }),
    }));
    expect(replayed).toMatchObject({ status: "refused", code: "registry.query-mismatch" });
    const stray = await withLaAnswer((a) => {
      const doc = laDocument(a.text);
      const other = {
        ...ENTRY,
        entity: {
          recruitmentAgency: { ...ENTRY.entity.recruitmentAgency, registrationNumber: "1" },
        },
      };
      return { ...a, text: laSigned({ ...doc, entries: [other] }) };
    });
    expect(stray).toMatchObject({ status: "refused", code: "registry.query-mismatch" });
    const junk = await withLaAnswer((a) => ({ ...a, text: '{"jws": 42}' }));
    expect(junk).toMatchObject({ status: "refused", code: "registry.answer-invalid" });
    const error = await withLaAnswer((a) => ({ ...a, status: 500 }));
    expect(error).toMatchObject({ status: "unreachable", code: "federation.peer-unreachable" });
  });

  it("lets one agency have two lookups under way, not more: each costs a call to every peer", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tap = tapPeers(th, async (call, real) => {
      if (call.url.includes("/registry")) await held;
      return real();
    });
    try {
      const running = [lookup(), lookup()];
      // Both are under way once they have asked LA and KH.
      await eventually(
        () => Promise.resolve(tap.calls.filter((c) => c.url.includes("/registry")).length >= 4),
        "two lookups at the peers",
      );
      const third = await lookup();
      expect(third.status).toBe(429);
      expect(third.body.code).toBe("request.rate-limited");
      // Another agency is not held back by the first one's lookups.
      const other = lookup(QUERY, "TH:DOE");
      release();
      expect((await Promise.all([...running, other])).map((r) => r.status)).toEqual([
        200, 200, 200,
      ]);
      expect((await lookup()).status).toBe(200);
    } finally {
      release();
      tap.restore();
    }
  });

  it("answers agencies of the node only, and validates the question", async () => {
    const anonymous = await th.node.app.request(
      `/v1/registry/lookup?${new URLSearchParams(QUERY).toString()}`,
    );
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe("auth.token-missing");
    for (const query of [
      "registrationNumber=0105559087712",
      "issuer=TH",
      "",
      "registrationNumber=0105559087712&issuer=th",
      "registrationNumber=0105559087712&issuer=TH&issuer=LA",
      "registrationNumber=0105559087712&issuer=TH&kind=LICENCE_SUSPENSION",
      `registrationNumber=${"9".repeat(65)}&issuer=TH`,
      "registrationNumber=01055%0A59087712&issuer=TH",
      "registrationNumber=01055%E2%80%AE59087712&issuer=TH",
    ]) {
      const res = await th.as("TH:DOE-REG", `/v1/registry/lookup?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { code: string }).code, query).toBe("request.malformed");
    }
    // The public registry takes the same question, or none.
    const pub = await la.node.app.request(`/v1/registry?${new URLSearchParams(QUERY).toString()}`);
    expect(payloadOf<RegistryDocument>(((await pub.json()) as { jws: string }).jws)).toMatchObject({
      node: "LA",
      query: QUERY,
      entries: [ENTRY],
    });
    const bad = await la.node.app.request("/v1/registry?issuer=TH");
    expect(bad.status).toBe(400);
  });

  it("lists a suspended member as refused, without asking it (last: it changes the trust list)", async () => {
    await cluster.nextTrustList(
      (list) => ({
        ...list,
        issuedAt: th.clock.now().toISOString(),
        members: list.members.map((m) => (m.node === "KH" ? { ...m, status: "suspended" } : m)),
      }),
      ["TH", "LA"],
    );
    const tap = tapPeers(th);
    try {
      const { body } = await lookup();
      expect(body.results.map((r) => [r.node, r.status, r.code])).toEqual([
        ["TH", "answered", undefined],
        ["LA", "answered", undefined],
        ["KH", "refused", "trust.member-suspended"],
      ]);
      expect(tap.calls.filter((c) => c.url.startsWith(cluster.get("KH").url))).toEqual([]);
    } finally {
      tap.restore();
    }
  });
});
