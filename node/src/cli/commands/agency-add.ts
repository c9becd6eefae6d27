import { registerParticipant, type ParticipantRegistration } from "../../admin/participants.js";
import { codeList } from "../code-lists.js";
import type { Command } from "../command.js";
import { CliError, lines } from "../io.js";
import { withOfflineNode } from "../node-dir.js";
import { readPublicJwk } from "../public-jwk.js";

export const agencyAddCommand: Command = {
  path: ["agency", "add"],
  summary: "register an agency at this node",
  usage: `Usage: frx-node agency add --dir DIR --id CC:CODE --name NAME --roles R1,R2 --org-type T
                           --key FILE [--powers P1,P2] [--accepts TYPE1,TYPE2]
                           [--coordinator] [--immigration-functions]

Registers an agency (a participant) at the stopped node in DIR, with an audit entry.

  --dir DIR                 the node's data folder
  --id CC:CODE              the agency's id; CC is this node's code, e.g. TH:DOE
  --name NAME               the agency's name
  --roles R1,R2             roles from the spec (e.g. labour_inspectorate,victim_services)
  --org-type T              organisation type from the spec (e.g. LabourInspectorate)
  --key FILE                the agency's public Ed25519 JWK (frx-node agency keygen makes one)
  --powers P1,P2            legal powers from the spec (e.g. workplace_inspection)
  --accepts T1,T2           message types it accepts (default: any its roles allow)
  --coordinator             the national coordinator (default: when it has that role)
  --immigration-functions   it has immigration functions: the firewall withholds person-level
                            data (always so for org type ImmigrationService)
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
  },
  async run(flags, io) {
    const orgType = flags.string("org-type");
    if (!codeList("org-type").includes(orgType))
      throw new CliError(
        `--org-type must be one of ${codeList("org-type").join(", ")}; ${orgType} is not`,
      );
    const powers = flags.list("powers");
    const badPower = powers?.find((p) => !codeList("power").includes(p));
    if (badPower)
      throw new CliError(
        `--powers must be from ${codeList("power").join(", ")}; ${badPower} is not`,
      );
    const reg: ParticipantRegistration = {
      id: flags.string("id"),
      name: flags.string("name"),
      roles: flags.list("roles") ?? [],
      orgType,
      publicJwk: await readPublicJwk(flags.string("key")),
    };
    // Absent boolean flags stay undefined so the node's defaults (from role and org type) apply.
    if (powers) reg.powers = powers;
    const accepts = flags.list("accepts");
    if (accepts) reg.acceptedTypes = accepts;
    if (flags.bool("coordinator")) reg.coordinator = true;
    if (flags.bool("immigration-functions")) reg.immigrationFunctions = true;

    const record = await withOfflineNode(flags.string("dir"), io, (node) =>
      registerParticipant(node.ctx, reg),
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
