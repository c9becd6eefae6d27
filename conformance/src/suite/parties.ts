import type { Harness } from "../harness/harness.js";
import type { AgencyName } from "../kit/agencies.js";

/**
 * The case's owner (LI, whose id opens the case) addresses `name` in the case with a
 * case.update of no person-level content, so that `name` becomes a party to it (FRX-MSG-010)
 * without acting in any of its threads.
 */
export async function makeParty(h: Harness, caseId: string, name: AgencyName): Promise<void> {
  const update = h.envelope("case-update-decisions-ok", {
    case: caseId,
    to: [{ participant: h.id(name) }],
    purpose: "case_coordination",
  });
  delete (update.body as Record<string, unknown>).traffickingStatusDecisions;
  await h.accepted(h.sign(update));
}
