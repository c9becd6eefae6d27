import { createSigner, REPLY_TYP, signNodeDocument, type Types } from "@frx/spec";
import { fixture, type Envelope } from "../harness.js";
import type { Member } from "./cluster.js";

/** What a node's peer client answers. */
export interface PeerAnswer {
  status: number;
  text: string;
  retryAfterMs?: number;
}

export interface PeerCall {
  method: string;
  url: string;
  body?: string;
}

/**
 * Puts a hand on `m`'s calls to its peers (real loopback HTTP underneath): `handle` sees each
 * call and may pass it on (`real()`), change the answer, or throw as an unreachable peer would.
 */
export function tapPeers(
  m: Member,
  handle: (call: PeerCall, real: () => Promise<PeerAnswer>) => Promise<PeerAnswer> = (_, real) =>
    real(),
): { calls: PeerCall[]; puts: () => PeerCall[]; restore: () => void } {
  const client = m.node.ctx.peerClient as unknown as {
    call: (
      method: string,
      url: string,
      body?: string,
      type?: string,
      maxBytes?: number,
    ) => Promise<PeerAnswer>;
  };
  const original = client.call;
  const real = original.bind(client);
  const calls: PeerCall[] = [];
  client.call = (method, url, body, type, maxBytes) => {
    const call = { method, url, ...(body !== undefined ? { body } : {}) };
    calls.push(call);
    return handle(call, () => real(method, url, body, type, maxBytes));
  };
  return {
    calls,
    puts: () => calls.filter((c) => c.method === "PUT"),
    restore: () => {
      client.call = original;
    },
  };
}

/** The txnId a PUT went to. */
export const txnOf = (call: PeerCall) => call.url.split("/").pop()!;

/** The decoded payload of a compact JWS. */
export function payloadOf<T>(jws: string): T {
  return JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString("utf8")) as T;
}

/** The peer's answer with its reply changed and signed again with `signer`'s current node key. */
export function reSigned(
  text: string,
  signer: Member,
  change: (reply: Types.TransactionReply) => Types.TransactionReply,
): string {
  const { reply } = JSON.parse(text) as { reply: string };
  return JSON.stringify({
    reply: signNodeDocument(
      change(payloadOf<Types.TransactionReply>(reply)),
      REPLY_TYP,
      "documents/transaction-reply.json",
      createSigner(signer.keys.signing),
    ),
  });
}

/** A case.notify from TH:DOE to a Lao agency, with its own id (and, if given, expiresAt). */
export function notifyLa(n: number, changes: Partial<Envelope> = {}): Envelope {
  return {
    ...fixture("case.notify"),
    id: `01KJPWGVT06F3AHQXK8TNB${String(n).padStart(4, "0")}`,
    to: [{ participant: "LA:MOLSW" }],
    purpose: "case_coordination",
    ...changes,
  };
}

export interface InboxItem {
  cursor: number;
  messageId: string;
  jws: string;
}

export const inbox = async (m: Member, who: string): Promise<InboxItem[]> =>
  ((await (await m.as(who, "/v1/inbox")).json()) as { items: InboxItem[] }).items;

/** The delivery.failed notices in an agency's inbox. */
export async function failureNotices(
  m: Member,
  who: string,
): Promise<
  Array<{ messageId: string; reason: string; attempts: number } & Record<string, unknown>>
> {
  return (await inbox(m, who))
    .map((i) => payloadOf<{ type: string; body: Record<string, unknown> }>(i.jws))
    .filter((e) => e.type === "delivery.failed")
    .map((e) => e.body as { messageId: string; reason: string; attempts: number });
}
