import type { Violation } from "../errors.js";
import { MessageType } from "../generated/codes.js";
import { policyRules } from "../generated/data.js";
import type { PolicyContext } from "./context.js";

const viewProfiles = (
  policyRules as unknown as {
    viewProfiles: Record<string, { members: string[]; recipientRoles?: string[] }>;
  }
).viewProfiles;

/** The members every referral carries whatever its profile (Rule 8a). */
const CORE = new Set([
  "reason",
  "track",
  "urgency",
  "requestedServices",
  "requestedPowers",
  "viewProfile",
  "summary",
  "consent",
]);

/** The parts of an envelope the projection rules read. */
export interface ProjectionInput {
  type: string;
  purpose: string;
  body: Record<string, unknown>;
}

/**
 * Rules 8a and 8b of the policy (FRX-POL-034 to FRX-POL-036): a referral carries only what its
 * view profile grants, to a recipient the profile may be granted to; an evidence item travels
 * only for a purpose in its `shareableWith`.
 *
 * @example const violations = checkProjection(message, { sender, recipients })
 */
export function checkProjection(message: ProjectionInput, context: PolicyContext): Violation[] {
  const out: Violation[] = [];
  if (message.type === MessageType.ReferralCreate) {
    const name = String(message.body.viewProfile);
    const profile = viewProfiles[name];
    const granted = new Set(profile?.members ?? []);
    for (const member of Object.keys(message.body)) {
      if (CORE.has(member) || granted.has(member)) continue;
      out.push({
        pointer: `/body/${member}`,
        code: "policy.view-profile",
        message: `the view profile ${name} does not grant ${member}`,
      });
    }
    const roles = profile?.recipientRoles;
    const wrong = roles
      ? context.recipients.filter((r) => !r.roles.some((x) => roles.includes(x)))
      : [];
    if (wrong.length > 0)
      out.push({
        pointer: "/body/viewProfile",
        code: "policy.view-profile",
        message: `the view profile ${name} is for ${roles!.join(", ")}; ${wrong.map((r) => r.id).join(", ")} is not`,
      });
  }
  if (message.type === MessageType.EvidenceProvide) {
    const items = (message.body.items ?? []) as Array<{ shareableWith?: string[] }>;
    items.forEach((item, i) => {
      if (!(item.shareableWith ?? []).includes(message.purpose))
        out.push({
          pointer: `/body/items/${i}/shareableWith`,
          code: "policy.purpose-mismatch",
          message: `evidence item ${i} may not be used for ${message.purpose}`,
        });
    });
  }
  return out;
}
