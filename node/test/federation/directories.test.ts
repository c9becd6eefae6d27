import {
  createSigner,
  generateSigningKey,
  parseCanonicalObject,
  parseCompact,
  sealTransaction,
  type Types,
} from "@frx/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerParticipant, setParticipantStatus } from "../../src/index.js";
import { fixture, FIXTURE_TIME } from "../harness.js";
import { Cluster, eventually, type Member } from "./cluster.js";
import { inbox, notifyLa, payloadOf } from "./taps.js";

let cluster: Cluster;
let th: Member;
let la: Member;
beforeEach(async () => {
  cluster = await Cluster.start(["TH", "LA"]);
  th = cluster.get("TH");
  la = cluster.get("LA");
});
afterEach(async () => cluster.close());

const at = (offsetMs: number) => new Date(Date.parse(FIXTURE_TIME) + offsetMs).toISOString();

describe("peers' directories", () => {
  it("FRX-FED-006: never replaces the cached directory with an older one or one from the future, and keeps its JWS", async () => {
    const peers = th.node.ctx.peers;
    await peers.refresh("LA");
    const cached = await peers.signed("LA");
    expect(cached).toBeDefined();
    expect(parseCanonicalObject(parseCompact(cached!.jws, "frx-directory+jws").payload)).toEqual(
      cached!.directory,
    );
    const issuedAt = cached!.directory.issuedAt;

    la.clock.set(at(-3_600_000));
    await peers.refresh("LA");
    expect((await peers.get("LA"))?.issuedAt).toBe(issuedAt);

    la.clock.set(at(86_400_000));
    await peers.refresh("LA");
    expect((await peers.get("LA"))?.issuedAt).toBe(issuedAt);
    expect(th.logger.lines.filter((l) => l.event === "peer.directory-refused")).toHaveLength(2);

    // A newer one within the skew replaces it, JWS and all.
    la.clock.set(at(60_000));
    await peers.refresh("LA");
    const newer = await peers.signed("LA");
    expect(newer?.directory.issuedAt).toBe(at(60_000));
    expect(payloadOf<Types.Directory>(newer!.jws).issuedAt).toBe(at(60_000));
  });

  it("FRX-FED-034: refuses an envelope from an agency its origin's directory lists as disabled with auth.participant-disabled", async () => {
    await setParticipantStatus(la.node.ctx, "LA:NCC", "disabled");
    await th.node.ctx.peers.refresh("LA");
    expect(await th.node.ctx.peers.participantStatus("LA", "LA:NCC")).toBe("disabled");
    expect(await th.node.ctx.peers.participantStatus("LA", "LA:MOLSW")).toBe("active");

    const txnId = "01KJQ1000000000000000D0001";
    const jwe = await sealTransaction(
      {
        frx: "1",
        txnId,
        origin: "LA",
        destination: "TH",
        sentAt: th.clock.now().toISOString(),
        envelopes: [
          la.sign({
            ...fixture("case.notify"),
            id: "01KJQ1000000000000000D0002",
            from: "LA:NCC",
            to: [{ participant: "TH:DOE" }],
            purpose: "case_coordination",
          }),
        ],
      },
      createSigner(la.keys.signing),
      cluster.trustList.members.find((m) => m.node === "TH")!.encryptionKey,
    );
    const res = await fetch(`${th.url}/federation/v1/transactions/${txnId}`, {
      method: "PUT",
      headers: { "content-type": "application/jose" },
      body: jwe,
    });
    expect(res.status).toBe(200);
    const reply = payloadOf<Types.TransactionReply>(
      ((await res.json()) as { reply: string }).reply,
    );
    expect(reply.results.map((r) => [r.status, r.code])).toEqual([
      ["rejected", "auth.participant-disabled"],
    ]);
  });

  it("FRX-FED-010: fetches the directory again before refusing an address it does not resolve", async () => {
    await th.node.ctx.peers.ensure("LA");
    // LA registers an agency after TH cached its directory.
    const { privateJwk, publicJwk } = generateSigningKey();
    await registerParticipant(la.node.ctx, {
      id: "LA:DLSW",
      name: "Provincial labour and social welfare office",
      roles: ["labour_inspectorate"],
      orgType: "LabourInspectorate",
      powers: ["workplace_inspection"],
      publicJwk,
    });
    la.agencies.set("LA:DLSW", { id: "LA:DLSW", privateJwk, signer: createSigner(privateJwk) });

    const env = notifyLa(1, { to: [{ participant: "LA:DLSW" }] });
    const res = await th.submit(th.sign(env));
    expect(res.status, await res.clone().text()).toBe(201);
    await eventually(
      async () => (await inbox(la, "LA:DLSW")).some((i) => i.messageId === env.id),
      "the envelope at LA:DLSW",
    );
  });
});
