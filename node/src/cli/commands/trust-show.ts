import { resolve } from "node:path";
import { parseInstant, type SignedTrustList, type Types, type VerifiedTrustList } from "@frx/spec";
import { readNodeConfig } from "../node-dir.js";
import { DIR_FLAG, type Command } from "../command.js";
import { field, lines } from "../io.js";
import { BOTH_WAYS, OPERATOR_KEY_FLAG, runOperation } from "../admin-client.js";
import { describeVersion } from "../trust-files.js";

const DAY_MS = 86_400_000;

/** in-force: usable; expiring: usable but due for replacement; expired: federation is off. */
type State = "absent" | "in-force" | "expiring" | "expired";

function summary(trust: VerifiedTrustList, state: State) {
  const { list } = trust;
  return {
    state,
    version: list.version,
    digest: trust.digest,
    ...(list.previousDigest ? { previousDigest: list.previousDigest } : {}),
    issuedAt: list.issuedAt,
    expiresAt: list.expiresAt,
    quorum: list.quorum,
    signedBy: trust.signedBy,
    members: list.members.map((m: Types.TrustListMember) => ({
      node: m.node,
      name: m.name,
      endpoint: m.endpoint,
      status: m.status,
      signingKeys: m.signingKeys.map((k) => ({
        kid: k.jwk.kid,
        status: k.status,
        notBefore: k.notBefore,
        ...(k.notAfter ? { notAfter: k.notAfter } : {}),
      })),
      encryptionKey: m.encryptionKey.kid,
    })),
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join("  ")}`.trimEnd());
}

export const trustShowCommand: Command = {
  path: ["trust", "show"],
  summary: "show the trust list in force at this node",
  usage: `Usage: frx-node trust show --dir DIR [--json]

Shows the trust list in force at the node in DIR: version, digest, issue and expiry,
quorum, who signed it, and each member's endpoint, status and signing keys; and whether it
is in force, expiring (replace it soon) or expired (federation is off). ${BOTH_WAYS}

  --dir DIR             the node's data folder
  --json                print it as JSON ({"state": "absent"} when no list is applied)
  --operator-key FILE   the operator key for a running node
`,
  flags: { ...DIR_FLAG, json: { kind: "boolean" }, ...OPERATOR_KEY_FLAG },
  async run(flags, io) {
    const dir = flags.string("dir");
    const { warnBeforeExpiryMs: warnMs } = (await readNodeConfig(resolve(dir))).federation;
    const got = await runOperation<{
      state: "absent" | "expired" | "expiring" | "ok";
      signed?: SignedTrustList;
      digest?: string;
      signedBy?: string[];
    }>(dir, io, "trust.signed", {}, flags.optional("operator-key"));
    const state: State = got.state === "ok" ? "in-force" : got.state;
    const trust: VerifiedTrustList | null = got.signed
      ? {
          list: JSON.parse(
            Buffer.from(got.signed.payload, "base64url").toString(),
          ) as Types.TrustList,
          digest: got.digest!,
          signedBy: got.signedBy!,
          signed: got.signed,
        }
      : null;
    if (flags.bool("json")) {
      io.stdout(lines(JSON.stringify(trust ? summary(trust, state) : { state }, null, 2)));
      return 0;
    }
    if (!trust) {
      io.stdout(
        lines(
          "no trust list is applied at this node: federation is off",
          "apply the genesis list with frx-node trust apply --dir DIR --in FILE --pin",
        ),
      );
      return 0;
    }
    const { list } = trust;
    const left = parseInstant(list.expiresAt, "/expiresAt") - Date.now();
    const when =
      left <= 0
        ? "expired: federation is off until a newer version is applied"
        : `in ${Math.floor(left / DAY_MS)} day(s)${left < warnMs ? ": expiring, apply a newer version soon" : ""}`;
    const active = list.members.filter((m) => m.status === "active").length;
    const rows = [
      ["NODE", "STATUS", "ENDPOINT", "SIGNING KEYS"],
      ...list.members.map((m) => [
        m.node,
        m.status,
        m.endpoint,
        m.signingKeys.map((k) => `${k.jwk.kid} (${k.status})`).join(", "),
      ]),
    ];
    io.stdout(
      lines(
        `trust list ${describeVersion(list)}: ${state.replace("-", " ")}`,
        field("digest", trust.digest),
        ...(list.previousDigest ? [field("previous digest", list.previousDigest)] : []),
        field("issued at", list.issuedAt),
        field("expires at", `${list.expiresAt} (${when})`),
        field("quorum", `${list.quorum} of ${active} active member(s), for the next version`),
        field("signed by", trust.signedBy.join(", ") || "-"),
        "members:",
        ...table(rows),
      ),
    );
    return 0;
  },
};
