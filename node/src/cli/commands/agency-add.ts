import type { agencyView } from "../../admin/operations-agencies.js";
import type { ParticipantRegistration } from "../../admin/participants.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { codeList } from "../code-lists.js";
import type { Command } from "../command.js";
import { lines, UsageError } from "../io.js";
import { MANDATE_USAGE, readMandateFile } from "../mandate-file.js";
import { readPublicJwk } from "../public-jwk.js";

export const agencyAddCommand: Command = {
  path: ["agency", "add"],
  summary: "register an agency at this node",
  usage: `Usage: frx-node agency add --dir DIR --id CC:CODE --name NAME --roles R1,R2 --org-type T
                           --key FILE [--powers P1,P2] [--accepts TYPE1,TYPE2]
                           [--coordinator] [--immigration-functions] [--mandate FILE]

Registers an agency (a participant) at the node in DIR, with an audit entry. A key that
is registered to another agency or to an operator is refused (admin.key-in-use).
${BOTH_WAYS}

  --dir DIR                 the node's data folder
  --id CC:CODE              the agency's id; CC is this node's code, e.g. TH:DOE
  --name NAME               the agency's name
  --roles R1,R2             roles from the spec (e.g. labour_inspectorate,victim_services)
  --org-type T              organisation type from the spec (e.g. LabourInspectorate)
  --key FILE                the agency's public Ed25519 JWK (frx-node agency keygen makes one)
  --powers P1,P2            legal powers from the spec (e.g. workplace_inspection)
  --accepts T1,T2           message types it accepts (default: none listed, which accepts every type, FRX-ENV-010)
  --coordinator             the national coordinator (default: when it has that role)
  --immigration-functions   it has immigration functions: the firewall withholds person-level
                            data (always so for org type ImmigrationService)
${MANDATE_USAGE}
  --operator-key FILE       the operator key for a running node
`,
  flags: {
    dir: { kind: "string", required: true },
    id: { kind: "string", required: true },
    name: { kind: "string", required: true },
    roles: { kind: "string", required: true },
    "org-type": { kind: "string", required: true },
    key: { kind: "string", required: true },
    powers: { kind: "string" },
    accepts: { kind: "string" },
    coordinator: { kind: "boolean" },
    "immigration-functions": { kind: "boolean" },
    mandate: { kind: "string" },
    ...OPERATOR_KEY_FLAG,
  },
  async run(flags, io) {
    const id = flags.string("id");
    if (!/^[A-Z]{2}:[A-Z0-9][A-Z0-9-]{0,31}$/.test(id))
      throw new UsageError(`--id must be CC:CODE (e.g. TH:DOE), not ${id}`);
    const roles = fromCodeList("roles", flags.list("roles") ?? [], "role");
    const [orgType] = fromCodeList("org-type", [flags.string("org-type")], "org-type");
    const powers = flags.list("powers");
    if (powers) fromCodeList("powers", powers, "power");
    const accepts = flags.list("accepts");
    if (accepts) fromCodeList("accepts", accepts, "message-type");
    const reg: ParticipantRegistration = {
      id,
      name: flags.string("name"),
      roles,
      orgType: orgType!,
      publicJwk: await readPublicJwk(flags.string("key")),
    };
    // Absent boolean flags stay undefined so the node's defaults (from role and org type) apply.
    if (powers) reg.powers = powers;
    if (accepts) reg.acceptedTypes = accepts;
    if (flags.bool("coordinator")) reg.coordinator = true;
    if (flags.bool("immigration-functions")) reg.immigrationFunctions = true;
    const mandate = flags.optional("mandate");
    if (mandate) Object.assign(reg, await readMandateFile(mandate));

    const record = await runOperation<ReturnType<typeof agencyView>>(
      flags.string("dir"),
      io,
      "agency.add",
      reg as unknown as Record<string, unknown>,
      flags.optional("operator-key"),
    );
    io.stdout(
      lines(
        `registered ${record.id} (${record.roles.join(", ")}; ${record.orgType}) with key ${record.keys[0]!.kid}`,
        ...(record.immigrationFunctions
          ? [`  immigration functions: person-level data will never be sent to ${record.id}`]
          : []),
      ),
    );
    return 0;
  },
};

/** Every value must be in the spec's code list `list`; otherwise a usage error (exit 2). */
function fromCodeList(flag: string, values: string[], list: string): string[] {
  const allowed = codeList(list);
  const bad = values.find((v) => !allowed.includes(v));
  if (values.length === 0 || bad !== undefined)
    throw new UsageError(
      `--${flag} must be from ${allowed.join(", ")}${bad === undefined ? "" : `; ${bad} is not`}`,
    );
  return values;
}
