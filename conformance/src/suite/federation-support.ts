import {
  MessageType,
  createSigner,
  signNodeDocument,
  verifyEnvelope,
  WAKE_TYP,
  type PrivateJwk,
  type Types,
} from "@frx/spec";
import { check, holds } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { eventually, inboxItems, waitForInbox, type InboxItem } from "../harness/inbox.js";
import type { Answer } from "../peer/behaviour.js";
import {
  sendTransaction,
  verifiedReply,
  type Sent,
  type TransactionOptions,
} from "../peer/send.js";

/** Sends a transaction as the harness peer XA (or as whoever `o.signer` makes it). */
export function sendAsPeer(h: Harness, o: TransactionOptions): Promise<Sent> {
  const peer = h.kit.manifest.peer.node;
  return sendTransaction(
    h.http,
    {
      signer: h.kit.secrets.nodes[peer]!.signing,
      origin: peer,
      destination: h.node.id,
      encryptTo: h.node.member.encryptionKey,
    },
    o,
  );
}

export function reply(
  h: Harness,
  sent: Sent,
): Promise<{ jws: string; reply: Types.TransactionReply }> {
  check(
    sent.http.status === 200,
    `the node refused the transaction: HTTP ${sent.http.status} ${sent.http.text.slice(0, 300)}`,
  );
  return verifiedReply(sent, h.trust, h.node.id);
}

/** A peer envelope (XA:PEER → LI), signed by the peer agency. */
export function peerEnvelope(h: Harness, o: Record<string, unknown> = {}): string {
  return h.sign(h.envelope("peer-case-notify-ok", o));
}

/** Waits until the harness peer has accepted the envelope `id` (an opened transaction answered with a reply). */
export function deliveredToPeer(h: Harness, id: string, timeoutMs = 6_000) {
  return eventually(
    () =>
      Promise.resolve(
        h.peer.envelopes().find((e) => h.idOf(e.jws) === id && e.answer === "accept"),
      ),
    `delivery of ${id} to ${h.peer.node}`,
    timeoutMs,
  );
}

/** Waits for the delivery.failed notice about `id` in the sender's inbox, verified as the node's. */
export async function deliveryFailed(
  h: Harness,
  id: string,
  timeoutMs = 6_000,
): Promise<InboxItem> {
  const item = await waitForInbox(
    h,
    "LI",
    (i) => i.envelope.type === MessageType.DeliveryFailed && i.envelope.body.messageId === id,
    `delivery.failed for ${id}`,
    timeoutMs,
  );
  await holds("the delivery.failed signature", () =>
    verifyEnvelope(item.jws, { resolveKey: (kid) => h.nodeKey(kid) }),
  );
  return item;
}

/** POSTs a wake signed by the harness peer (or another key) to the node under test. */
export async function sendWake(
  h: Harness,
  o: { sentAt?: string; destination?: string; signer?: PrivateJwk } = {},
) {
  const peer = h.kit.manifest.peer.node;
  const jws = signNodeDocument(
    {
      frx: "1",
      origin: peer,
      destination: o.destination ?? h.node.id,
      sentAt: o.sentAt ?? new Date().toISOString(),
    },
    WAKE_TYP,
    "documents/wake.json",
    createSigner(o.signer ?? h.kit.secrets.nodes[peer]!.signing),
  );
  return h.http.call("POST", "/federation/v1/wake", {
    headers: { "content-type": "application/jose" },
    body: jws,
  });
}

export const STATUS_503: Answer = { kind: "status", status: 503 };

/** Runs `fn` with the peer answering `answers` first, then `then`; back to plain acceptance after. */
export async function scripted<T>(
  h: Harness,
  answers: Answer[],
  then: Answer,
  fn: () => Promise<T>,
): Promise<T> {
  h.peer.script.set(answers, then);
  try {
    return await fn();
  } finally {
    h.peer.script.reset();
  }
}

/** LI sends a case.notify to the peer agency; returns its JWS and id once the node stored it. */
export async function sendToPeer(h: Harness, overrides: Record<string, unknown> = {}) {
  const jws = h.sign(h.envelope("outbound-case-notify-ok", overrides));
  await h.accepted(jws);
  return { jws, id: h.idOf(jws) };
}

export const attemptsOf = (h: Harness, id: string) =>
  h.peer.envelopes().filter((e) => h.idOf(e.jws) === id);
export const failedFor = (h: Harness, id: string) =>
  inboxItems(
    h,
    "LI",
    (i) => i.envelope.type === MessageType.DeliveryFailed && i.envelope.body.messageId === id,
  );
