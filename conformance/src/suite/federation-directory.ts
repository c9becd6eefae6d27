import { generateSigningKey, publicJwkOf, type PrivateJwk } from "@frx/spec";
import { same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";
import { reply, sendAsPeer } from "./federation-support.js";

/** How the node keeps the peer's directory: which copy it takes, and when it fetches again. */
const t = section("federation/directory-cache", "federation");

/** The result of one peer envelope signed with `key`: [status, code]. */
async function resultOf(h: Harness, key: PrivateJwk): Promise<[string, string | undefined]> {
  const jws = h.sign(h.envelope("peer-case-notify-ok"), key);
  const r = await reply(h, await sendAsPeer(h, { envelopes: [jws] }));
  const x = r.reply.results[0]!;
  return [x.status, x.code];
}

const HOUR = 3_600_000;

export const directoryCacheTests = [
  t("FRX-FED-006", async (h) => {
    const docs = h.peer.docs;
    try {
      // The agency's new key appears only in a directory dated an hour back, then in one
      // dated an hour ahead: the node refetches for the unknown kid and must keep its copy.
      for (const age of [HOUR, -HOUR]) {
        const key = generateSigningKey().privateJwk;
        docs.extraKeys.push(publicJwkOf(key));
        docs.directoryAgeMs = age;
        same(
          await resultOf(h, key),
          ["rejected", "jws.kid-unknown"],
          `an envelope whose key is only in a directory issued ${age > 0 ? "an hour ago" : "an hour ahead"}`,
        );
        docs.directoryAgeMs = 0;
        same(await resultOf(h, key), ["accepted", undefined], "the same key, dated now");
      }
    } finally {
      docs.directoryAgeMs = 0;
    }
  }),

  t("FRX-FED-009", async (h) => {
    const docs = h.peer.docs;
    const key = generateSigningKey().privateJwk;
    const pub = publicJwkOf(key);
    docs.extraKeys.push(pub);
    // Served as retired an hour ago: the node takes that directory and refuses the key.
    docs.retiredKeys.set(pub.kid!, new Date(Date.now() - HOUR).toISOString());
    same(await resultOf(h, key), ["rejected", "jws.key-retired"], "an envelope with a retired key");
    // The peer lists it as current again: the cached copy says retired, so the node must fetch
    // the directory once more before it refuses.
    docs.retiredKeys.delete(pub.kid!);
    same(
      await resultOf(h, key),
      ["accepted", undefined],
      "an envelope whose key the cached directory retired and the peer's current one lists",
    );
  }),
];
