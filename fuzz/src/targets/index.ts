import type { TargetFactory } from "../target.js";
import { agencyTokenTarget } from "./agency-token.js";
import { attachmentsTarget } from "./attachments.js";
import { canonicalJsonTarget } from "./canonical-json.js";
import { envelopeTarget } from "./envelope.js";
import { httpTarget } from "./http.js";
import { jwsCompactTarget } from "./jws-compact.js";
import { machinesTarget } from "./machines.js";
import { policyTarget } from "./policy.js";
import { schemasTarget } from "./schemas.js";
import { submitTarget } from "./submit.js";
import { transactionTarget } from "./transaction.js";
import { trustListTarget } from "./trust-list.js";

/** Every fuzz target by name, in the order a full run takes them. */
export const TARGETS: Readonly<Record<string, TargetFactory>> = {
  "jws-compact": jwsCompactTarget,
  envelope: envelopeTarget,
  "canonical-json": canonicalJsonTarget,
  schemas: schemasTarget,
  policy: policyTarget,
  machines: machinesTarget,
  "agency-token": agencyTokenTarget,
  "trust-list": trustListTarget,
  transaction: transactionTarget,
  attachments: attachmentsTarget,
  http: httpTarget,
  submit: submitTarget,
};
