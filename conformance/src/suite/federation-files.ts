import { randomBytes } from "node:crypto";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { waitForInbox } from "../harness/inbox.js";
import { ulid } from "../harness/ulid.js";
import { generateNodeKeyPair } from "../kit/trust.js";
import { probe, sha256Of, transfer, type FileOffer, type Transferring } from "../peer/transfer.js";
import { instantMs, RECORD_BYTES } from "@frx/spec";
import { section } from "./define.js";
import { reply, sendAsPeer } from "./federation-support.js";

/** The node as the destination of a peer's files (federation.md, "Attachments across borders"). */
const t = section("federation/attachments", "federation");

function asPeer(h: Harness): Transferring {
  const peer = h.kit.manifest.peer.node;
  return {
    http: h.http,
    signer: h.kit.secrets.nodes[peer]!.signing,
    origin: peer,
    destination: h.node.id,
    encryptTo: h.node.member.encryptionKey,
  };
}

const file = (n = 1000): FileOffer => ({ bytes: randomBytes(n) });

/** What the node says it holds of `f` from the peer: [held, complete]. */
async function held(h: Harness, f: FileOffer): Promise<[number, boolean]> {
  const r = await probe(asPeer(h), f);
  check(r.status === 200, `GET the peer's file answered ${r.status}: ${r.text.slice(0, 200)}`);
  const a = r.json<{ held: number; complete: boolean }>();
  return [a.held, a.complete];
}

export const federationFileTests = [
  t("FRX-FED-075", async (h) => {
    const tx = asPeer(h);
    const f = file();
    const xb = h.kit.manifest.peer.suspended;
    const other = h.node.id === "XC" ? "XD" : "XC";
    const cases: Array<[Parameters<typeof transfer>[2], Parameters<Harness["problem"]>[1]]> = [
      [{ signer: generateNodeKeyPair().signing }, "trust.member-unknown"],
      [{ signer: h.kit.secrets.nodes[xb]!.signing, origin: xb }, "trust.member-suspended"],
      [{ destination: other }, "federation.not-destination"],
      [
        { sentAt: new Date(Date.now() - 3_600_000).toISOString() },
        "federation.transaction-replayed",
      ],
    ];
    for (const [o, code] of cases) {
      h.problem(await transfer(tx, f, o), code);
      h.problem(await probe(tx, f, o), code);
    }
    h.problem(
      await h.http.call("GET", `/federation/v1/attachments/${sha256Of(f.bytes)}`),
      "jws.malformed",
    );
    same(await held(h, f), [0, false], "what the node holds after refusing every request");
  }),

  t("FRX-FED-076", async (h) => {
    h.problem(await transfer(asPeer(h), file(), { offset: 100 }), "attachment.offset-mismatch");
  }),

  t("FRX-FED-077", async (h) => {
    const f = file(RECORD_BYTES + 1000);
    await transfer(asPeer(h), f, { records: 1 }); // cut after the first record
    same(await held(h, f), [RECORD_BYTES, false], "held after a transfer cut after one record");
    const rest = await transfer(asPeer(h), f, { offset: RECORD_BYTES });
    same(rest.status, 200, `the rest from offset ${RECORD_BYTES} (${rest.text.slice(0, 200)})`);
    same(await held(h, f), [f.bytes.length, true], "held once the rest arrived");
  }),

  t("FRX-FED-078", async (h) => {
    const f = file(RECORD_BYTES + 1000);
    h.problem(await transfer(asPeer(h), f, { tamper: true }), "federation.undecryptable");
    same(await held(h, f), [0, false], "held after a first record that does not authenticate");
  }),

  t("FRX-FED-079", async (h) => {
    const f = file();
    h.problem(await transfer(asPeer(h), { ...f, size: 4_294_967_296 }), "attachment.too-large");
    h.problem(await transfer(asPeer(h), f, { extra: 10 }), "attachment.too-large");
  }),

  t("FRX-FED-080", async (h) => {
    const f = file();
    const signed = { ...f, sha256: sha256Of(randomBytes(16)) };
    h.problem(await transfer(asPeer(h), signed), "attachment.digest-mismatch");
    same(await held(h, signed), [0, false], "held of a file that did not hash to its digest");
  }),

  t("FRX-FED-081", async (h) => {
    const f = file();
    const descriptor = { sha256: sha256Of(f.bytes), mediaType: "application/pdf", size: 1000 };
    const resultOf = async (attachments: object[]) => {
      const env = h.envelope("peer-case-notify-ok", { attachments });
      const r = await reply(h, await sendAsPeer(h, { envelopes: [h.sign(env)] }));
      return [r.reply.results[0]!.status, r.reply.results[0]!.code, env.id];
    };
    same(
      (await resultOf([descriptor])).slice(0, 2),
      ["rejected", "attachment.not-found"],
      "an envelope naming a file the peer never transferred",
    );
    same((await transfer(asPeer(h), f)).status, 200, "the file's transfer");
    same(
      (await resultOf([{ ...descriptor, size: 999 }])).slice(0, 2),
      ["rejected", "attachment.not-found"],
      "an envelope naming the file with another size",
    );
    const [status, code, id] = await resultOf([descriptor]);
    same([status, code], ["accepted", undefined], "an envelope naming the transferred file");
    await waitForInbox(h, "LI", (i) => i.messageId === id, `message ${String(id)}`, 5_000);
    const got = await h.call("GET", `/v1/attachments/${descriptor.sha256}`, { as: "LI" });
    same(got.status, 200, "the recipient's download of the file");
    same(got.bytes.equals(f.bytes), true, "the file's bytes as the recipient gets them");
  }),

  t("FRX-FED-084", async (h) => {
    // The peer's agency tells LI and VS of a case, then gives POL evidence with its file.
    const f = file(4096);
    const sha256 = sha256Of(f.bytes);
    same((await transfer(asPeer(h), f)).status, 200, "the file's transfer");
    const notify = h.envelope("peer-case-notify-ok", {
      to: [{ participant: h.id("LI") }, { participant: h.id("VS") }],
    });
    await reply(h, await sendAsPeer(h, { envelopes: [h.sign(notify)] }));
    const base = h.envelope("evidence-provide-ok", {
      from: h.peer.docs.agency,
      case: notify.case,
      attachments: [{ sha256, mediaType: "application/pdf", size: f.bytes.length }],
    });
    const item = (base.body.items as Array<Record<string, unknown>>)[0]!;
    const evidenceId = ulid();
    const env = {
      ...base,
      body: {
        ...base.body,
        items: [
          {
            ...item,
            evidenceId,
            sha256,
            size: f.bytes.length,
            collectedBy: h.peer.docs.agency,
            custody: [{ holder: h.peer.docs.agency, action: "collected", at: item.collectedAt }],
          },
        ],
      },
    };
    const r = await reply(h, await sendAsPeer(h, { envelopes: [h.sign(env)] }));
    const result = r.reply.results[0]!;
    same([result.status, result.code], ["accepted", undefined], "the evidence's result");
    const receivedAt = h.payloadOf(String(result.receipt)).receivedAt;
    const custodyOf = async (as: "POL" | "LI" | "VS") => {
      const v = await h.call("GET", `/v1/cases/${encodeURIComponent(String(env.case))}`, { as });
      check(v.status === 200, `GET the case as ${h.id(as)} answered ${v.status}`);
      return (v.json<{ custody?: Custody[] }>().custody ?? []).filter((c) => c.sha256 === sha256);
    };
    const [seen] = await custodyOf("POL");
    check(seen, "POL, the evidence's recipient, sees no custody of the file");
    same(
      [seen.evidenceId, seen.messageId],
      [evidenceId, env.id],
      "the custody's evidence and message",
    );
    const received = seen.custody.filter((c) => c.action === "received");
    same(
      received.map((c) => c.holder),
      [h.id("POL")],
      "the received events' holders",
    );
    same(
      instantMs(received[0]!.at),
      instantMs(String(receivedAt)),
      "the received event's time: the envelope's acceptance (its receipt's receivedAt)",
    );
    for (const other of ["LI", "VS"] as const)
      same((await custodyOf(other)).length, 0, `custody ${h.id(other)}, no recipient of it, sees`);
  }),
];

interface Custody {
  sha256: string;
  evidenceId: string;
  messageId: string;
  custody: Array<{ holder: string; action: string; at: string }>;
}
