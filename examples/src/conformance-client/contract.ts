// The client side of the conformance suite's client profile (docs/certification.md,
// "Certifying an agency system"): how a driver reads its environment and reports what the
// agency system did, one JSON object per line on standard output.
import { readFile } from "node:fs/promises";
import {
  createClient,
  isFrxClientError,
  type FrxClient,
  type InboxItem,
  type PrivateJwk,
  type RegistryLookupResult,
} from "@frx/sdk";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (the conformance suite does)`);
  return value;
}

/** The SDK client for the participant and stand-in node the suite names. */
export async function clientFromEnv(): Promise<FrxClient> {
  return createClient({
    nodeUrl: env("FRX_NODE_URL"),
    node: env("FRX_NODE"),
    participant: env("FRX_PARTICIPANT"),
    privateKey: JSON.parse(await readFile(env("FRX_KEY_FILE"), "utf8")) as PrivateJwk,
  });
}

/** The folder the suite gives this scenario's run for the client's own files. */
export function stateDir(): string {
  return env("FRX_STATE_DIR");
}

function line(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Reports an inbox item: received when it verified, rejected (with the code) when not. */
export function reportItem(item: InboxItem): void {
  if (item.ok) line({ event: "received", cursor: item.cursor, messageId: item.messageId });
  else
    line({
      event: "rejected",
      cursor: item.cursor,
      messageId: item.messageId,
      code: item.error.code,
    });
}

/** Reports one member's lookup result: `answered` only when its JWS verified (the SDK checked it). */
export function reportRegistry(result: RegistryLookupResult): void {
  line({
    event: "registry",
    node: result.node,
    status: result.status,
    ...(result.status === "answered" ? {} : { code: result.code }),
  });
}

/**
 * Runs one submission (a send, a submit or a referral helper) and reports it: stored with its
 * verified receipt, or not-stored with the code (the node's, or the SDK's own such as
 * client.receipt-invalid). The error is thrown on.
 */
export async function reportSubmission<
  T extends { messageId: string; status: string; receiptJws: string },
>(submit: () => Promise<T>): Promise<T> {
  try {
    const result = await submit();
    line({
      event: "stored",
      messageId: result.messageId,
      status: result.status,
      receipt: result.receiptJws,
    });
    return result;
  } catch (error) {
    if (isFrxClientError(error) && error.submission)
      line({ event: "not-stored", messageId: error.submission.messageId, code: error.code });
    throw error;
  }
}

const THREAD_METHODS = new Set([
  "create",
  "acknowledge",
  "accept",
  "decline",
  "redirect",
  "update",
  "close",
  "withdraw",
  "reopen",
  "reply",
]);

/** The client, with every submission it makes reported (for an agency system that takes a client). */
export function reporting(client: FrxClient): FrxClient {
  const referrals = new Proxy(client.referrals, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== "function" || !THREAD_METHODS.has(String(name))) return value;
      return (...args: unknown[]) =>
        reportSubmission(() => (value as (...a: unknown[]) => Promise<never>).apply(target, args));
    },
  });
  return {
    ...client,
    referrals,
    send: (type, input) => reportSubmission(() => client.send(type, input)),
    submit: (jws, call) => reportSubmission(() => client.submit(jws, call)),
  };
}
