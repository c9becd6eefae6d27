import type { MessageOf, Types } from "@frx/spec";
import { downloadAttachment, type AttachmentDownload } from "./attachment-download.js";
import {
  uploadAttachment,
  type AttachmentDescriptor,
  type AttachmentSource,
} from "./attachments.js";
import { getCase, type CaseView } from "./cases.js";
import { DirectoryView } from "./directory.js";
import { NodeDocuments } from "./documents.js";
import type { AgencyMessageType, SendInput } from "./envelope.js";
import { Http } from "./http.js";
import { ackInbox, openInbox, type Inbox, type InboxOptions } from "./inbox.js";
import { resolveOptions, type CallOptions, type ClientOptions } from "./options.js";
import { Referrals } from "./referrals.js";
import { fetchRegistry, type Registry } from "./registry.js";
import { lookupRegistry, type RegistryLookup } from "./registry-lookup.js";
import { Sender, type SendResult } from "./send.js";

/** An agency's connection to its national node. Create one per agency and process; close it at shutdown. */
export interface FrxClient {
  readonly node: string;
  readonly participant: string;
  /** Builds, checks locally, signs and submits a message; resolves to the verified receipt. */
  send<T extends AgencyMessageType>(type: T, input: SendInput<T>): Promise<SendResult<T>>;
  /** Builds, checks and signs without sending: store `jws`, then `submit` it. */
  sign<T extends AgencyMessageType>(
    type: T,
    input: SendInput<T>,
  ): Promise<{ jws: string; message: MessageOf<T> }>;
  /** Submits a signed envelope byte for byte (idempotent: a resubmission is a `duplicate`). */
  submit(jws: string, options?: CallOptions): Promise<SendResult>;
  readonly referrals: Referrals;
  readonly cases: { get(caseId: string, options?: CallOptions): Promise<CaseView> };
  /** Reads the inbox as an async iterator of verified messages (and error items). */
  inbox(options?: InboxOptions): Inbox;
  /** Acknowledges inbox items up to and including `cursor`. */
  ack(cursor: number, options?: CallOptions): Promise<number>;
  directory(options?: CallOptions & { refresh?: boolean }): Promise<DirectoryView>;
  nodeMetadata(options?: CallOptions & { refresh?: boolean }): Promise<Types.NodeMetadata>;
  registry(options?: CallOptions): Promise<Registry>;
  /**
   * Asks every member of the federation whether a legal entity is in its sanctions registry:
   * each member's answer verified against the trust list, or why there is none (FRX-REG-004).
   */
  registryLookup(
    query: { registrationNumber: string; issuer: string },
    options?: CallOptions,
  ): Promise<RegistryLookup>;
  readonly attachments: {
    upload(
      source: AttachmentSource,
      mediaType: string,
      options?: CallOptions & { name?: string },
    ): Promise<AttachmentDescriptor>;
    download(sha256: string, options?: CallOptions): Promise<AttachmentDownload>;
  };
  /** A new case id for a case this agency opens: `<participant>:<ULID>` (FRX-ENV-005). */
  newCaseId(): string;
  /** A new ULID on the client's clock, for the ids an agency mints (consent, evidence, claims). */
  newId(): string;
  /** Closes the connection pool (when the client created it); later calls fail with `client.closed`. */
  close(): Promise<void>;
}

/**
 * Connects an agency system to its node. Nothing is fetched until the first call.
 *
 * @example
 * const client = createClient({ nodeUrl: "https://frx.example.go.th", node: "TH", participant: "TH:DOE", privateKey })
 * const { receipt } = await client.send(MessageType.CaseNotify, { to, case: client.newCaseId(), purpose, legalBasis, tier, body })
 */
export function createClient(options: ClientOptions): FrxClient {
  const o = resolveOptions(options);
  const http = new Http(o, options.dispatcher);
  const docs = new NodeDocuments(http, o);
  const sender = new Sender(http, docs, o);
  const referrals = new Referrals(sender, http, o);
  return {
    node: o.node,
    participant: o.participant,
    send: (type, input) => sender.send(type, input),
    sign: (type, input) => sender.sign(type, input),
    submit: (jws, call) => sender.submit(jws, call),
    referrals,
    cases: { get: (caseId, call) => getCase(http, caseId, call) },
    inbox: (inbox = {}) => openInbox(http, docs, inbox, (m) => referrals.observe(m), o.clock),
    ack: (cursor, call) => ackInbox(http, cursor, call),
    directory: async (call) => new DirectoryView(await docs.directory(call)),
    nodeMetadata: (call) => docs.metadata(call),
    registry: (call) => fetchRegistry(http, docs, o, call),
    registryLookup: (query, call) => lookupRegistry(http, docs, o, query, call),
    attachments: {
      upload: (source, mediaType, call) => uploadAttachment(http, source, mediaType, call),
      download: (sha256, call) => downloadAttachment(http, sha256, call),
    },
    newCaseId: () => `${o.participant}:${o.ids()}`,
    newId: () => o.ids(),
    close: () => http.close(),
  };
}
