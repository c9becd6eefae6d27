import {
  canonicalize,
  createSigner,
  generateSigningKey,
  signTrustList,
  type PrivateJwk,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import { check, same, SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { section } from "./define.js";

const t = section("federation/trust-versions", "federation");
const HOUR = 3_600_000;

interface InForce {
  digest: string;
  list: Types.TrustList;
}

async function inForce(h: Harness): Promise<InForce> {
  const reply = await h.http.call("GET", "/v1/trust-list");
  check(reply.status === 200, `GET /v1/trust-list answered ${reply.status}`);
  const body = reply.json<{ digest: string; trustList: SignedTrustList }>();
  const list = JSON.parse(
    Buffer.from(body.trustList.payload, "base64url").toString("utf8"),
  ) as Types.TrustList;
  return { digest: body.digest, list };
}

/** The next version of the list in force, changed by `change`, unsigned. */
function next(f: InForce, change: Partial<Types.TrustList> = {}): Types.TrustList {
  const now = Date.now();
  return {
    ...f.list,
    version: f.list.version + 1,
    previousDigest: f.digest,
    issuedAt: new Date(Math.max(now - 1000, Date.parse(f.list.issuedAt))).toISOString(),
    expiresAt: new Date(now + 30 * 24 * HOUR).toISOString(),
    ...change,
  };
}

/** Signs a payload with each key in order (no schema check, so that tests can bend it). */
function signedBy(list: Types.TrustList, keys: PrivateJwk[]): SignedTrustList {
  let signed: SignedTrustList = {
    payload: Buffer.from(canonicalize(list)).toString("base64url"),
    signatures: [],
  };
  for (const k of keys) signed = signTrustList(signed, createSigner(k));
  return signed;
}

const xa = (h: Harness) => h.kit.secrets.nodes[h.kit.manifest.peer.node]!.signing;
const xb = (h: Harness) => h.kit.secrets.nodes[h.kit.manifest.peer.suspended]!.signing;
const stranger = () => generateSigningKey().privateJwk;

/** Hands a version to the operator, expects its refusal with `code`, and the list unchanged. */
async function refused(h: Harness, what: string, signed: SignedTrustList, code: string) {
  if (!h.operator)
    throw new SkipTest(
      "needs the operator step apply-trust-list: run with --operator (docs/certification.md)",
    );
  const before = await inForce(h);
  const outcome = await h.operator.applyTrustList(signed);
  check(!outcome.applied, `the node applied ${what}`);
  same(outcome.code, code, `the refusal of ${what} (${outcome.applied ? "" : outcome.message})`);
  same((await inForce(h)).digest, before.digest, `the list in force after refusing ${what}`);
}

export const trustVersionTests = [
  t("FRX-TRUST-013", async (h) => {
    // A correct next version, signed by one active member where the quorum is higher.
    const f = await inForce(h);
    check(f.list.quorum >= 2, `the list in force has quorum ${f.list.quorum}; the kit's needs 2`);
    await refused(
      h,
      "a version signed by XA alone",
      signedBy(next(f), [xa(h)]),
      "trust.quorum-not-met",
    );
  }),

  t("FRX-TRUST-008", async (h) => {
    const f = await inForce(h);
    const skip = next(f, { version: f.list.version + 2 });
    await refused(
      h,
      "a version that skips a number",
      signedBy(skip, [xa(h)]),
      "trust.list-invalid",
    );
    const fork = next(f, { previousDigest: "0".repeat(64) });
    await refused(
      h,
      "a version naming another previous digest",
      signedBy(fork, [xa(h)]),
      "trust.list-invalid",
    );
  }),

  t("FRX-TRUST-009", async (h) => {
    const f = await inForce(h);
    const early = next(f, { issuedAt: new Date(Date.parse(f.list.issuedAt) - HOUR).toISOString() });
    await refused(
      h,
      "a version issued before the list in force",
      signedBy(early, [xa(h)]),
      "trust.list-invalid",
    );
    const late = next(f, { issuedAt: new Date(Date.now() + HOUR).toISOString() });
    await refused(
      h,
      "a version issued an hour from now",
      signedBy(late, [xa(h)]),
      "trust.list-invalid",
    );
  }),

  t("FRX-TRUST-010", async (h) => {
    const f = await inForce(h);
    const active = f.list.members.filter((m) => m.status === "active").length;
    const v = next(f, { quorum: active + 1 });
    await refused(
      h,
      `a version with quorum ${active + 1} of ${active} active`,
      signedBy(v, [xa(h)]),
      "trust.list-invalid",
    );
  }),

  t("FRX-TRUST-011", async (h) => {
    const f = await inForce(h);
    await refused(
      h,
      "a version also signed by a key of no member",
      signedBy(next(f), [xa(h), stranger()]),
      "trust.member-unknown",
    );
  }),

  t("FRX-TRUST-012", async (h) => {
    const f = await inForce(h);
    await refused(
      h,
      "a version also signed by XB, suspended",
      signedBy(next(f), [xa(h), xb(h)]),
      "trust.member-suspended",
    );
  }),

  t("FRX-TRUST-005", async (h) => {
    const f = await inForce(h);
    // Step 4 (version) comes before step 7 (quorum) and step 11 (kid).
    const active = f.list.members.filter((m) => m.status === "active").length;
    const many = next(f, { version: f.list.version + 2, quorum: active + 1 });
    await refused(
      h,
      "a version failing steps 4, 7 and 11",
      signedBy(many, [stranger()]),
      "trust.list-invalid",
    );
    // Signatures in order: XB's (step 12) comes before the stranger's (step 11).
    await refused(
      h,
      "a version signed by XB, then by a stranger",
      signedBy(next(f), [xb(h), stranger()]),
      "trust.member-suspended",
    );
  }),
];
