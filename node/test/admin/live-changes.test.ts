import {
  createSigner,
  draftTrustList,
  generateSigningKey,
  signEnvelope,
  signTrustList,
  trustListDigest,
  type PrivateJwk,
} from "@frx/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberEntry, signOperatorToken } from "../../src/index.js";
import { fixture } from "../harness.js";
import { Cluster, eventually, type Member } from "../federation/cluster.js";
import { adminOf, codeOf, freshReferral, type Admin } from "./admin-helpers.js";

let cluster: Cluster;
beforeAll(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
});
afterAll(async () => cluster.close());

/** Admin calls over the node's real admin listener (loopback), with a fresh operator token each. */
async function liveAdmin(m: Member): Promise<Admin> {
  const admin = await adminOf(m);
  const url = m.node.adminUrl!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  admin.call = async (method, path, body) =>
    fetch(`${url}/admin/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await signOperatorToken(admin.operator, "ops", "TH", m.clock.now())}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return admin;
}

/**
 * Envelopes from the node's agencies, in a loop bounded in count (and so in time): every one
 * must be accepted while the operator changes the node under it.
 */
function load(m: Member, from: string[], count: number) {
  const statuses: number[] = [];
  let stop = false;
  const done = (async () => {
    for (let i = 0; i < count && !stop; i++) {
      const sender = from[i % from.length]!;
      const res = await m.submit(m.sign(freshReferral(m, sender)));
      statuses.push(res.status);
    }
  })();
  return {
    statuses,
    finish: async () => {
      await done;
      stop = true;
    },
  };
}

describe("issue 14: a running node changed under load, with no restart and no legitimate envelope refused", () => {
  it("adds an agency, rotates its key, revokes a compromised one, and moves to trust-list version 2 adding a member", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const admin = await liveAdmin(th);
    const run = load(th, ["TH:DOE", "TH:DOE-REG"], 120);

    // An agency added while envelopes flow.
    const k1 = generateSigningKey();
    const added = await admin.call("POST", "/agencies", {
      id: "TH:LPD",
      name: "Provincial labour office",
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      publicJwk: k1.publicJwk,
    });
    expect(added.status).toBe(200);
    const lpd = (jwk: PrivateJwk) =>
      th.agencies.set("TH:LPD", { id: "TH:LPD", privateJwk: jwk, signer: createSigner(jwk) });
    lpd(k1.privateJwk);
    expect((await th.submit(th.sign(freshReferral(th, "TH:LPD")))).status).toBe(201);

    // Its key rotated: an envelope signed with the old key just before still counts.
    const signedBefore = th.sign(freshReferral(th, "TH:LPD"));
    const k2 = generateSigningKey();
    expect(
      (await admin.call("POST", "/agencies/TH:LPD/keys", { publicJwk: k2.publicJwk })).status,
    ).toBe(200);
    expect((await th.submit(signedBefore)).status).toBe(201);
    lpd(k2.privateJwk);
    expect((await th.submit(th.sign(freshReferral(th, "TH:LPD")))).status).toBe(201);

    // k2 leaks: revoked with a replacement; the agency goes on with k3 at once.
    const thief = createSigner(k2.privateJwk);
    const k3 = generateSigningKey();
    const revoke = await admin.call("POST", `/agencies/TH:LPD/keys/${k2.publicJwk.kid}/revoke`, {
      replacement: k3.publicJwk,
    });
    expect(revoke.status).toBe(200);
    lpd(k3.privateJwk);
    expect((await th.submit(th.sign(freshReferral(th, "TH:LPD")))).status).toBe(201);
    const stolen = await th.submit(signEnvelope(freshReferral(th, "TH:LPD"), thief));
    // jws.key-revoked is a 400 in the status table (FRX-API-027, envelope.md).
    expect(stolen.status).toBe(400);

    // Trust list version 2 adds KH; KH joins at version 2 by pinning its digest.
    const kh = await cluster.boot("KH");
    const v2 = {
      ...structuredClone(cluster.trustList),
      version: 2,
      previousDigest: trustListDigest(cluster.trust),
      issuedAt: "2026-03-02T09:00:00Z",
      members: [
        ...cluster.trustList.members,
        memberEntry(
          { node: "KH", name: "FRX national node KH" },
          kh.keys,
          `${kh.url}/federation/v1`,
          "2025-01-01T00:00:00Z",
        ),
      ],
    };
    const signed = ["TH", "LA"].reduce(
      (s, cc) => signTrustList(s, createSigner(cluster.get(cc).keys.signing)),
      draftTrustList(v2),
    );
    expect((await admin.call("POST", "/trust", { signed })).status).toBe(200);
    const laAdmin = await adminOf(la, "la-ops");
    expect((await laAdmin.call("POST", "/trust", { signed })).status).toBe(200);
    const khAdmin = await adminOf(kh, "kh-ops");
    // Without the pin KH refuses; with it (agreed out of band) it joins at version 2.
    const unpinned = await khAdmin.call("POST", "/trust", { signed });
    expect(unpinned.status).toBe(400);
    const joined = await khAdmin.call("POST", "/trust", { signed, pin: true });
    expect(joined.status, await joined.clone().text()).toBe(200);
    expect(kh.node.ctx.trust.list?.list.version).toBe(2);

    // A referral from TH reaches the new member.
    const toKh = fixture("referral.create") as ReturnType<typeof fixture> & {
      body: { consent: { audiences: string[] } };
    };
    toKh.to = [{ participant: "KH:MOLVT" }];
    toKh.body.consent.audiences = [
      "domestic_authorities",
      "service_providers",
      "foreign_authorities",
    ];
    expect((await th.submit(th.sign(toKh))).status).toBe(201);
    await eventually(
      async () => (await kh.node.ctx.store.get("messages", toKh.id)) !== undefined,
      "the referral stored at KH",
    );

    await run.finish();
    expect(run.statuses.length).toBe(120);
    expect(run.statuses.every((s) => s === 201)).toBe(true);
  });

  it("proposes, signs and applies the next version through the admin API alone (renewal, version 3)", async () => {
    const th = await adminOf(cluster.get("TH"), "th-ops-2");
    const la = await adminOf(cluster.get("LA"), "la-ops-2");
    const kh = await adminOf(cluster.get("KH"), "kh-ops-2");
    const proposed = await th.call("POST", "/trust/proposals", { expiresInDays: 30 });
    expect(proposed.status, await proposed.clone().text()).toBe(200);
    const { signed: draft } = (await proposed.json()) as { signed: unknown };
    const byTh = (await (await th.call("POST", "/trust/signatures", { signed: draft })).json()) as {
      signed: unknown;
      quorum: string;
    };
    expect(byTh.quorum).toMatch(/^not yet met/);
    const byLa = await la.call("POST", "/trust/signatures", { signed: byTh.signed });
    const both = (await byLa.json()) as { signed: unknown; quorum: string };
    expect(both.quorum).toBe("met: signed by LA, TH");
    for (const a of [th, la, kh])
      expect((await a.call("POST", "/trust", { signed: both.signed })).status).toBe(200);
    for (const cc of ["TH", "LA", "KH"])
      expect(cluster.get(cc).node.ctx.trust.list?.list.version).toBe(3);
    // A node outside the electorate cannot sign: a stranger's proposal is refused.
    const forged = await kh.call("POST", "/trust/signatures", {
      signed: { payload: "x", signatures: [] },
    });
    expect(await codeOf(forged)).toBe("trust.list-invalid");
  });

  it("rotates a running node's signing key: prepared, published in version 4, switched, and peers still take its transactions", async () => {
    const th = cluster.get("TH");
    const la = cluster.get("LA");
    const thAdmin = await adminOf(th, "th-ops-3");
    const laAdmin = await adminOf(la, "la-ops-3");
    const khAdmin = await adminOf(cluster.get("KH"), "kh-ops-3");
    const prepared = (await (await thAdmin.call("POST", "/node/keys/next")).json()) as {
      next: { kid: string };
    };
    // Refused until the list in force lists the new key (FRX-TRUST-024).
    const early = await thAdmin.call("POST", "/node/keys/rotate");
    expect(await codeOf(early)).toBe("trust.own-entry-mismatch");
    const entry = memberEntry(
      th.config,
      th.node.ctx.keys,
      `${th.url}/federation/v1`,
      "2025-01-01T00:00:00Z",
    );
    expect(entry.signingKeys.map((k) => k.jwk.kid)).toContain(prepared.next.kid);
    const draft = (
      (await (await thAdmin.call("POST", "/trust/proposals", { members: [entry] })).json()) as {
        signed: unknown;
      }
    ).signed;
    const one = (
      (await (await thAdmin.call("POST", "/trust/signatures", { signed: draft })).json()) as {
        signed: unknown;
      }
    ).signed;
    const two = (
      (await (await laAdmin.call("POST", "/trust/signatures", { signed: one })).json()) as {
        signed: unknown;
      }
    ).signed;
    for (const a of [thAdmin, laAdmin, khAdmin])
      expect((await a.call("POST", "/trust", { signed: two })).status).toBe(200);
    const rotated = await thAdmin.call("POST", "/node/keys/rotate");
    expect(rotated.status, await rotated.clone().text()).toBe(200);
    expect(th.node.ctx.signer.kid).toBe(prepared.next.kid);

    const toLa = fixture("referral.create") as ReturnType<typeof fixture> & {
      body: { consent: { audiences: string[] } };
    };
    toLa.id = th.node.ctx.ids();
    toLa.referral = th.node.ctx.ids();
    toLa.case = `TH:DOE:${th.node.ctx.ids()}`;
    toLa.to = [{ participant: "LA:MOLSW" }];
    toLa.body.consent.audiences = [
      "domestic_authorities",
      "service_providers",
      "foreign_authorities",
    ];
    expect((await th.submit(th.sign(toLa))).status).toBe(201);
    await eventually(
      async () => (await la.node.ctx.store.get("messages", toLa.id)) !== undefined,
      "the referral, in a transaction signed with TH's new key, stored at LA",
    );
  });
});
