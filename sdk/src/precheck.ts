import {
  checkPolicy,
  isFrxError,
  audienceValues,
  validateMessage,
  type AnyMessage,
  type ConsentView,
  type PolicyContext,
  type PolicyParticipant,
  type Types,
} from "@frx/spec";
import { NODE_ONLY_TYPES } from "./envelope.js";
import { FrxClientError, fromSpecError } from "./errors.js";

/**
 * The checks the node will run that need nothing but the envelope: an agency may not send a
 * node's notices (FRX-MSG-006), and the envelope must match its schema (every violation with
 * its JSON pointer). Throws the code the node would answer with.
 *
 * @example const message = checkLocally(buildEnvelope(MessageType.CaseNotify, input, options))
 */
export function checkLocally(envelope: object): AnyMessage {
  const type = (envelope as { type?: unknown }).type;
  if ((NODE_ONLY_TYPES as readonly unknown[]).includes(type)) {
    const message = `${String(type)} is sent by nodes only`;
    throw new FrxClientError("state.actor-forbidden", message, {
      violations: [{ pointer: "/from", code: "state.actor-forbidden", message }],
    });
  }
  try {
    return validateMessage(envelope);
  } catch (error) {
    if (isFrxError(error)) throw fromSpecError(error);
    throw error;
  }
}

/**
 * The policy check against the node's directory, before sending. Only recipients the
 * directory resolves are judged (other nodes' agencies are judged by their nodes). Where the
 * message carries no consent of its own but names a case, the node may hold a consent on
 * record that the client cannot see; the check then assumes the widest consent, so that it
 * never refuses what the node would accept.
 *
 * @example checkPolicyLocally(message, (await client.directory()).document)
 */
export function checkPolicyLocally(message: AnyMessage, directory: Types.Directory): void {
  const context = policyContext(message, directory);
  if (!context) return;
  const violations = checkPolicy(message, context);
  if (violations.length === 0) return;
  const first = violations[0]!;
  throw new FrxClientError(
    first.code,
    `refused locally by policy: ${violations.map((v) => `${v.pointer} ${v.code}`).join("; ")}`,
    { violations },
  );
}

/**
 * Builds the policy context from the directory; undefined when the sender is not listed.
 *
 * @example const violations = checkPolicy(message, policyContext(message, directory)!)
 */
export function policyContext(
  message: AnyMessage,
  directory: Types.Directory,
): PolicyContext | undefined {
  const sender = directory.participants.find((p) => p.id === message.from);
  if (!sender) return undefined;
  const recipients: PolicyContext["recipients"][number][] = [];
  for (const [toIndex, address] of message.to.entries()) {
    for (const p of resolveAddress(address, directory)) {
      if (!recipients.some((r) => r.id === p.id)) recipients.push({ ...asPolicy(p), toIndex });
    }
  }
  const ownConsent = (message.body as { consent?: unknown }).consent !== undefined;
  return {
    sender: asPolicy(sender),
    recipients,
    ...(!ownConsent && message.case ? { consent: WIDEST_CONSENT } : {}),
  };
}

/** Active participants of this directory's node that an address names. @example resolveAddress({ node: "TH", power: "licence_revocation" }, directory) */
export function resolveAddress(
  address: Types.Address,
  directory: Types.Directory,
): Types.DirectoryParticipant[] {
  const active = directory.participants.filter((p) => p.status === "active");
  if ("participant" in address) return active.filter((p) => p.id === address.participant);
  if (address.node !== directory.node) return [];
  return active.filter(
    (p) =>
      (!address.role || p.roles.includes(address.role)) &&
      (!address.power || p.powers.includes(address.power)),
  );
}

function asPolicy(p: Types.DirectoryParticipant): PolicyParticipant {
  return {
    id: p.id,
    node: p.id.slice(0, 2),
    roles: p.roles,
    orgType: p.orgType,
    immigrationFunctions: p.immigrationFunctions,
  };
}

const WIDEST_CONSENT: ConsentView = {
  flags: { services: true, disclosure: true, reporting: true, tracing: true },
  audiences: audienceValues,
};
