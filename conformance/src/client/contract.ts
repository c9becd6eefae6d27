/**
 * The contract between the client profile and the agency system under test (documented for
 * vendors in docs/certification.md, "Certifying an agency system"). The suite runs the
 * certifier's command once per scenario with these environment variables, and reads what the
 * client did from its standard output, one JSON object per line.
 */
export const CLIENT_ENV = {
  /** The stand-in node's base URL (loopback). */
  nodeUrl: "FRX_NODE_URL",
  /** The stand-in node's id, the `aud` of agency tokens and the signer of receipts. */
  node: "FRX_NODE",
  /** The participant id the client acts as. */
  participant: "FRX_PARTICIPANT",
  /** A file holding the participant's private Ed25519 JWK, registered at the stand-in node. */
  keyFile: "FRX_KEY_FILE",
  /** An empty folder, the client's own for this scenario (its cursor file, say). */
  stateDir: "FRX_STATE_DIR",
  /** The scenario's name: for the client's logs only, its behaviour must not depend on it. */
  scenario: "FRX_CONFORMANCE_SCENARIO",
  /**
   * A JSON file `{"tasks": [...]}` (tasks.ts): the case work the client does after its inbox,
   * as its users would ask it to. An empty list in most scenarios.
   */
  taskFile: "FRX_TASK_FILE",
} as const;

/** One line of the client's report. */
export type ClientEvent =
  /** An inbox item that verified (FRX-API-015). */
  | { event: "received"; cursor: number; messageId: string }
  /** An inbox item that did not verify, treated as not received; `code` says why (optional). */
  | { event: "rejected"; cursor: number; messageId: string; code?: string }
  /** A submission whose receipt verified: the envelope is stored. */
  | { event: "stored"; messageId: string; status: "accepted" | "duplicate"; receipt: string }
  /**
   * A submission that ended without a verified receipt: `code` is the node's problem code
   * when the node refused it, `client.receipt-invalid` when the receipt failed the client's
   * checks, or another `client.*` code of the client's own.
   */
  | { event: "not-stored"; messageId: string; code: string }
  /**
   * One member's result of a registry lookup (the registry-lookup task): `answered` when the
   * client relies on that member's entries (FRX-REG-008), else why not.
   */
  | {
      event: "registry";
      node: string;
      status: "answered" | "refused" | "unreachable";
      code?: string;
    };

/** The most bytes of standard output read from one scenario's client. */
export const MAX_CLIENT_OUTPUT_BYTES = 1 << 20;

export interface ParsedOutput {
  events: ClientEvent[];
  /** Lines that are not an event of the contract (they fail no check, but are reported). */
  ignored: string[];
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Reads the client's standard output: every non-empty line that is a JSON object with a known
 * `event` and the members that event needs becomes an event; anything else is kept as ignored.
 *
 * @example parseEvents('{"event":"received","cursor":1,"messageId":"01J…"}\n').events.length // 1
 */
export function parseEvents(stdout: string): ParsedOutput {
  const events: ClientEvent[] = [];
  const ignored: string[] = [];
  for (const line of stdout.split("\n")) {
    if (line.trim() === "") continue;
    const event = asEvent(line);
    if (event) events.push(event);
    else ignored.push(line.length > 200 ? `${line.slice(0, 200)}…` : line);
  }
  return { events, ignored };
}

function asEvent(line: string): ClientEvent | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (o.event === "registry")
    return typeof o.node === "string" &&
      (o.status === "answered" || o.status === "refused" || o.status === "unreachable")
      ? {
          event: "registry",
          node: o.node,
          status: o.status,
          ...(typeof o.code === "string" ? { code: o.code } : {}),
        }
      : undefined;
  if (typeof o.messageId !== "string" || !ULID.test(o.messageId)) return undefined;
  const messageId = o.messageId;
  const cursor = Number.isSafeInteger(o.cursor) ? (o.cursor as number) : undefined;
  const code = typeof o.code === "string" ? o.code : undefined;
  switch (o.event) {
    case "received":
      return cursor === undefined ? undefined : { event: "received", cursor, messageId };
    case "rejected":
      return cursor === undefined
        ? undefined
        : { event: "rejected", cursor, messageId, ...(code ? { code } : {}) };
    case "stored":
      return (o.status === "accepted" || o.status === "duplicate") && typeof o.receipt === "string"
        ? { event: "stored", messageId, status: o.status, receipt: o.receipt }
        : undefined;
    case "not-stored":
      return code ? { event: "not-stored", messageId, code } : undefined;
    default:
      return undefined;
  }
}
