import {
  createSigner,
  isFrxError,
  parseCanonicalObject,
  parseCompact,
  signNodeDocument,
  validateDocument,
  WAKE_TYP,
} from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Cluster, eventually, type Member } from "./cluster.js";
import { inbox, notifyLa, tapPeers } from "./taps.js";

/**
 * FRX-API-001 for the routes that need a federation: the trust list, a peer's directory as
 * this node holds it, metadata under a trust list, and the federation answers, each a real
 * response validated against its schema in spec/schemas/api.
 */
let cluster: Cluster;
let th: Member;
let la: Member;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
});
afterEach(async () => cluster.close());

function violations(schema: string, value: unknown): string[] {
  try {
    validateDocument(schema, value);
    return [];
  } catch (error) {
    if (!isFrxError(error)) throw error;
    return error.violations.map((v) => `${v.pointer}: ${v.message}`);
  }
}

async function document<T>(res: Response, schema: string): Promise<T> {
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  const body = JSON.parse(text) as T;
  expect(violations(schema, body)).toEqual([]);
  return body;
}

describe("federation-era responses match spec/schemas/api", () => {
  it("GET /v1/trust-list: the list in force, as signed", async () => {
    const body = await document<{ version: number; trustList: unknown }>(
      await th.node.app.request("/v1/trust-list"),
      "api/trust-list-reply.json",
    );
    expect(body.version).toBe(1);
    expect(body.trustList).toEqual(cluster.trust);
  });

  it("GET /v1/directories/{peer}: the peer's directory with the peer's own JWS", async () => {
    await th.node.ctx.peers.refresh("LA");
    const body = await document<{ directory: { node: string }; jws: string }>(
      await th.node.app.request("/v1/directories/LA"),
      "api/signed-directory.json",
    );
    expect(body.directory.node).toBe("LA");
    expect(parseCanonicalObject(parseCompact(body.jws, "frx-directory+jws").payload)).toEqual(
      body.directory,
    );
  });

  it("GET /.well-known/frx-node under a trust list: the list's keys, with minor versions", async () => {
    const body = await document<{ metadata: { signingKeys: unknown[]; minorVersions: string[] } }>(
      await th.node.app.request("/.well-known/frx-node"),
      "api/signed-metadata.json",
    );
    const entry = cluster.trustList.members.find((m) => m.node === "TH")!;
    expect(body.metadata.signingKeys).toEqual(entry.signingKeys);
    expect(body.metadata.minorVersions).toEqual(["1.0"]);
  });

  it("PUT /federation/v1/transactions/{txnId}: the peer's answer carries a signed reply", async () => {
    const answers: string[] = [];
    const tap = tapPeers(th, async (call, real) => {
      const answer = await real();
      if (call.method === "PUT") answers.push(answer.text);
      return answer;
    });
    try {
      const res = await th.submit(th.sign(notifyLa(1)));
      expect(res.status).toBe(201);
      await eventually(async () => (await inbox(la, "LA:MOLSW")).length === 1, "delivery to LA");
    } finally {
      tap.restore();
    }
    expect(answers.length).toBeGreaterThan(0);
    for (const text of answers) {
      const body = JSON.parse(text) as { reply: string };
      expect(violations("api/transaction-answer.json", body)).toEqual([]);
      const reply = parseCanonicalObject(
        parseCompact(body.reply, "frx-transaction-reply+jws").payload,
      );
      expect(violations("documents/transaction-reply.json", reply)).toEqual([]);
    }
  });

  it("POST /federation/v1/wake: names the peer that was woken", async () => {
    const jws = signNodeDocument(
      { frx: "1", origin: "TH", destination: "LA", sentAt: la.clock.now().toISOString() },
      WAKE_TYP,
      "documents/wake.json",
      createSigner(th.keys.signing),
    );
    const body = await document<{ woken: string }>(
      await fetch(`${la.url}/federation/v1/wake`, {
        method: "POST",
        headers: { "content-type": "application/jose" },
        body: jws,
      }),
      "api/wake-answer.json",
    );
    expect(body).toEqual({ woken: "TH" });
  });
});
