import {
  createSigner,
  digestOf,
  isFrxError,
  parseCanonicalObject,
  parseCompact,
  signEnvelope,
  verifyReceipt,
  ENVELOPE_TYP,
  type AnyMessage,
  type MessageOf,
  type MessageType,
  type Signer,
  type Types,
} from "@frx/spec";
import type { NodeDocuments } from "./documents.js";
import { buildEnvelope, type AgencyMessageType, type SendInput } from "./envelope.js";
import { FrxClientError, fromSpecError, isFrxClientError, withSubmission } from "./errors.js";
import type { Http } from "./http.js";
import type { CallOptions, ResolvedOptions } from "./options.js";
import { checkLocally, checkPolicyLocally } from "./precheck.js";

/** What a successful send returns: the node's verified receipt, and what was signed. */
export interface SendResult<T extends MessageType = MessageType> {
  messageId: string;
  /** `duplicate` when the node already held these exact bytes: still a success. */
  status: "accepted" | "duplicate";
  /** The receipt, verified: signed by the node, naming this message and the digest of `jws`. */
  receipt: Types.Receipt;
  receiptJws: string;
  deliveredTo: string[];
  /** SHA-256 (hex) of `jws`, as the receipt echoes it. */
  digest: string;
  /** The signed envelope, as submitted (`client.submit` sends it again byte for byte). */
  jws: string;
  message: MessageOf<T>;
}

interface SubmitReply {
  status?: unknown;
  messageId?: unknown;
  receipt?: unknown;
  deliveredTo?: unknown;
}

/**
 * Build → check locally (schema, then policy against the directory) → sign → submit, retrying
 * the same signed bytes → verify the receipt.
 */
export class Sender {
  private readonly signer: Signer;

  constructor(
    private readonly http: Http,
    private readonly docs: NodeDocuments,
    private readonly o: ResolvedOptions,
  ) {
    this.signer = createSigner(o.privateKey);
  }

  async send<T extends AgencyMessageType>(type: T, input: SendInput<T>): Promise<SendResult<T>> {
    const { jws, message } = await this.sign(type, input);
    return this.post<T>(jws, message, callOptions(input));
  }

  /** Builds, checks and signs without sending, for callers that store the JWS first. */
  async sign<T extends AgencyMessageType>(
    type: T,
    input: SendInput<T>,
  ): Promise<{ jws: string; message: MessageOf<T> }> {
    const call = callOptions(input);
    const message = checkLocally(buildEnvelope(type, input, this.o));
    if (this.o.policyPrecheck) checkPolicyLocally(message, await this.docs.directory(call));
    return { jws: signEnvelope(message, this.signer), message: message as MessageOf<T> };
  }

  /** Submits a signed envelope byte for byte, e.g. one stored before a crash. */
  async submit(jws: string, call: CallOptions = {}): Promise<SendResult> {
    let message: AnyMessage;
    try {
      message = checkLocally(parseCanonicalObject(parseCompact(jws, ENVELOPE_TYP).payload));
    } catch (error) {
      if (isFrxError(error)) throw fromSpecError(error);
      throw error;
    }
    return this.post(jws, message, call);
  }

  /** Submits and verifies; a failure names the envelope, so the caller can resubmit it unchanged. */
  private async post<T extends MessageType>(
    jws: string,
    message: AnyMessage,
    call: CallOptions,
  ): Promise<SendResult<T>> {
    try {
      return await this.postOnce<T>(jws, message, call);
    } catch (error) {
      if (isFrxClientError(error)) throw withSubmission(error, { messageId: message.id, jws });
      throw error;
    }
  }

  private async postOnce<T extends MessageType>(
    jws: string,
    message: AnyMessage,
    call: CallOptions,
  ): Promise<SendResult<T>> {
    // The node's key is fetched before submitting, so that verifying the receipt needs no
    // network once the node has stored the message.
    await this.docs.metadata(call);
    const reply = await this.http.json<SubmitReply>({
      method: "POST",
      path: "/v1/envelopes",
      auth: true,
      headers: { "content-type": "application/jose" },
      body: () => jws,
      ...call,
    });
    const { status, messageId, receipt, deliveredTo } = reply;
    if (
      (status !== "accepted" && status !== "duplicate") ||
      messageId !== message.id ||
      typeof receipt !== "string" ||
      !Array.isArray(deliveredTo)
    ) {
      throw new FrxClientError(
        "client.response-invalid",
        "the node's reply is not a receipt reply",
      );
    }
    const digest = digestOf(jws);
    let verified: Types.Receipt;
    try {
      verified = await verifyReceipt(receipt, { messageId, digest, node: this.o.node }, (kid) =>
        this.docs.nodeKey(kid, call),
      );
    } catch (cause) {
      if (!isFrxError(cause)) throw cause;
      throw new FrxClientError("client.receipt-invalid", `receipt refused: ${cause.message}`, {
        cause,
      });
    }
    return {
      messageId,
      status,
      receipt: verified,
      receiptJws: receipt,
      deliveredTo: verified.deliveredTo,
      digest,
      jws,
      message: message as MessageOf<T>,
    };
  }
}

function callOptions(input: CallOptions): CallOptions {
  return {
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  };
}
