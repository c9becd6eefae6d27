import type { MessageType, Types } from "@frx/spec";
import { resolveAddress } from "./precheck.js";

type Participant = Types.DirectoryParticipant;

/** What to look for: every given criterion must hold. */
export interface DirectoryQuery {
  role?: Participant["roles"][number];
  power?: Participant["powers"][number];
  /** A message type the participant accepts (an empty acceptedTypes list accepts all). */
  accepts?: MessageType;
  /** Include disabled participants (default false). */
  includeDisabled?: boolean;
}

/**
 * The node's directory, verified: agencies with their roles, mandate powers, sanction
 * regimes, accepted types and keys. Find the agency that can do something, or check where an
 * address would be delivered.
 *
 * @example (await client.directory()).find({ power: "licence_revocation" }).map((p) => p.id)
 */
export class DirectoryView {
  constructor(readonly document: Types.Directory) {}

  get node(): string {
    return this.document.node;
  }

  get participants(): readonly Participant[] {
    return this.document.participants;
  }

  /** @example directory.get("TH:DSDW")?.roles */
  get(id: string): Participant | undefined {
    return this.document.participants.find((p) => p.id === id);
  }

  /** @example directory.find({ role: "victim_services", accepts: MessageType.ReferralCreate }) */
  find(query: DirectoryQuery): Participant[] {
    return this.document.participants.filter(
      (p) =>
        (query.includeDisabled || p.status === "active") &&
        (!query.role || p.roles.includes(query.role)) &&
        (!query.power || p.powers.includes(query.power)) &&
        (!query.accepts || p.acceptedTypes.length === 0 || p.acceptedTypes.includes(query.accepts)),
    );
  }

  /** The active participants an address reaches at this node, as the node resolves it. */
  resolve(address: Types.Address): Participant[] {
    return resolveAddress(address, this.document);
  }
}
