import { randomBytes } from "node:crypto";
import { RECORD_BYTES } from "@frx/spec";
import { check, same } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { sha256Of } from "../peer/transfer.js";
import { section } from "./define.js";
import { attemptsOf, deliveredToPeer, deliveryFailed } from "./federation-support.js";

/** The node as the origin of its agency's files abroad: files first, sealed, refusals reported. */
const t = section("federation/attachments-out", "federation");

/** LI uploads `size` random bytes and sends the peer's agency an envelope listing them. */
async function sendWithFile(h: Harness, size: number) {
  const bytes = randomBytes(size);
  const sha256 = sha256Of(bytes);
  const up = await h.call("PUT", `/v1/attachments/${sha256}`, {
    as: "LI",
    headers: { "content-type": "application/pdf" },
    body: bytes,
    isolate: true,
  });
  check(up.status === 201, `LI's upload answered ${up.status}: ${up.text.slice(0, 200)}`);
  const env = h.envelope("outbound-case-notify-ok", {
    attachments: [{ sha256, mediaType: "application/pdf", size }],
  });
  await h.accepted(h.sign(env));
  return { id: String(env.id), sha256 };
}

export const federationFileOutTests = [
  t(
    "FRX-FED-073",
    async (h) => {
      // Two records: 1 MiB and the rest.
      const { id, sha256 } = await sendWithFile(h, RECORD_BYTES + 4096);
      await deliveredToPeer(h, id, 10_000);
      const done = h.peer.files.arrivals.find(
        (a) => a.sha256 === sha256 && a.outcome === "complete",
      );
      check(done, `${id} reached the peer, but its file ${sha256} never arrived complete`);
      const first = Math.min(...attemptsOf(h, id).map((a) => a.at));
      check(
        done.at <= first,
        `the first transaction carrying ${id} came before its file was complete at the peer`,
      );
      // The peer opened every record with its own X25519 key and the file hashed right.
      same(
        h.peer.files.arrivals.filter((a) => a.sha256 === sha256).reduce((n, a) => n + a.records, 0),
        2,
        "sealed records the peer opened (1,048,576 bytes each, the last shorter)",
      );
    },
    { covers: ["FRX-FED-074"] },
  ),

  t("FRX-FED-083", async (h) => {
    h.peer.files.refuse = "digest-mismatch";
    try {
      const { id, sha256 } = await sendWithFile(h, 2048);
      const notice = await deliveryFailed(h, id, 10_000);
      same(
        [
          notice.envelope.body.reason,
          notice.envelope.body.errorCode,
          notice.envelope.body.attachments,
        ],
        ["refused_by_peer", "attachment.digest-mismatch", [sha256]],
        "delivery.failed reason, errorCode and the files not stored at the peer",
      );
      same(attemptsOf(h, id).length, 0, `transactions carrying ${id}`);
    } finally {
      h.peer.files.refuse = null;
    }
  }),
];
