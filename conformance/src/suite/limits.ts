import { canonicalize, createSigner } from "@frx/spec";
import { check, same } from "../harness/check.js";
import { ulid } from "../harness/ulid.js";
import { envelopeHeader, rawJws } from "../harness/raw.js";
import { ENVELOPE_LIMIT, envelopeOfSize } from "./big-envelope.js";
import { section } from "./define.js";
import { reply, sendAsPeer } from "./federation-support.js";

const t = section("envelope/limits", "core");
const fed = section("envelope/limits", "federation");
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Arrays nested `depth` deep: [[[…]]]. */
const nested = (depth: number): unknown => (depth <= 1 ? [] : [nested(depth - 1)]);

/** The last character of a 64-byte signature with its four unused low bits set to 0001. */
function dirtyLastChar(signature: string): string {
  const i = ALPHABET.indexOf(signature.at(-1)!);
  return signature.slice(0, -1) + ALPHABET[(i & 0x30) | 0x01]!;
}

export const limitTests = [
  t("FRX-SIG-027", async (h) => {
    const good = h.sign(h.envelope("case-notify-ok"));
    const [hd, p, s] = good.split(".") as [string, string, string];
    check(s.length === 86, `an Ed25519 signature is 86 base64url characters, not ${s.length}`);
    for (const bad of [
      `${hd}.${p}.${dirtyLastChar(s)}`,
      `${hd}.${p.slice(0, 10)}+${p.slice(11)}.${s}`,
      `${hd}${"A".repeat((((1 - hd.length) % 4) + 4) % 4)}.${p}.${s}`,
      `${hd}.${p}.${s}==`,
    ])
      await h.refused(bad, "jws.malformed");
  }),

  t("FRX-ENV-031", async (h) => {
    const now = new Date().toISOString(); // 2026-12-07T13:30:00.000Z
    for (const sentAt of [
      `${now.slice(0, 17)}60Z`,
      `${now.slice(0, 19)}.1234Z`,
      now.replace("T", "t"),
      now.replace("Z", "z"),
    ])
      await h.refused(h.sign(h.envelope("case-notify-ok", { sentAt })), "schema.invalid");
  }),

  t("FRX-JCS-005", async (h) => {
    const base = h.envelope("case-notify-ok");
    const deep = { ...base, body: { ...base.body, extension: nested(40) } };
    await h.refused(
      rawJws(envelopeHeader(h.key("LI")), canonicalize(deep), h.key("LI")),
      "envelope.too-deep",
    );
  }),

  fed("FRX-FED-070", async (h) => {
    const base = h.envelope("outbound-case-notify-ok");
    const jws = envelopeOfSize(base, h.key("LI"), ENVELOPE_LIMIT + 4096);
    h.problem(await h.submit(jws, { isolate: true }), "envelope.too-large");
  }),

  fed("FRX-FED-015", async (h) => {
    // 50 envelopes of 262,144 bytes each (one body, 50 ids of equal length): ~23.3 MB sealed.
    // What is judged is that the route takes the body; each envelope carries a typ of the same
    // length but not the envelope's, so that it is refused at once (jws.typ-invalid), before any
    // signature or storage work, whatever else the node gets wrong.
    const key = h.kit.secrets.peerAgency;
    const first = envelopeOfSize(h.envelope("peer-case-notify-ok"), key, ENVELOPE_LIMIT);
    const payload = h.payloadOf(first);
    const header = { alg: "Ed25519", kid: createSigner(key).kid, typ: "frx-envelope+jwt" };
    const envelopes = Array.from({ length: 50 }, () =>
      rawJws(header, canonicalize({ ...payload, id: ulid() }), key),
    );
    for (const e of envelopes) same(e.length, first.length, "an envelope's length");
    const r = await reply(h, await sendAsPeer(h, { envelopes, timeoutMs: 50_000 }));
    same(r.reply.results.length, 50, "results in the reply to a 50-envelope transaction");
  }),
];
