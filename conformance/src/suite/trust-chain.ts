import {
  canonicalize,
  createSigner,
  generateSigningKey,
  parseInstant,
  signTrustList,
  type PrivateJwk,
  type SignedTrustList,
  type Types,
} from "@frx/spec";
import { check, same, SkipTest } from "../harness/check.js";
import type { Harness } from "../harness/harness.js";
import { OperatorStepFailed, type OperatorHook } from "../run/operator.js";

/**
 * Trust-list versions as the suite crafts them from the list in force, and the operator steps
 * that hand them to the node: the tools of trust-versions.ts (refusals) and of the tests that
 * need a version applied (expiry, suspension, own entry, key validity).
 */
export const HOUR = 3_600_000;

export interface InForce {
  digest: string;
  list: Types.TrustList;
}

export async function inForce(h: Harness): Promise<InForce> {
  const reply = await h.http.call("GET", "/v1/trust-list");
  check(reply.status === 200, `GET /v1/trust-list answered ${reply.status}`);
  const body = reply.json<{ digest: string; trustList: SignedTrustList }>();
  const list = JSON.parse(
    Buffer.from(body.trustList.payload, "base64url").toString("utf8"),
  ) as Types.TrustList;
  return { digest: body.digest, list };
}

/** The next version of the list in force, changed by `change`, unsigned. */
export function next(f: InForce, change: Partial<Types.TrustList> = {}): Types.TrustList {
  const now = Date.now();
  return {
    ...f.list,
    version: f.list.version + 1,
    previousDigest: f.digest,
    issuedAt: new Date(
      Math.max(now - 1000, parseInstant(f.list.issuedAt, "/issuedAt")),
    ).toISOString(),
    expiresAt: new Date(now + 30 * 24 * HOUR).toISOString(),
    ...change,
  };
}

/** Signs a payload with each key in order (no schema check, so that tests can bend it). */
export function signedBy(list: Types.TrustList, keys: PrivateJwk[]): SignedTrustList {
  let signed: SignedTrustList = {
    payload: Buffer.from(canonicalize(list)).toString("base64url"),
    signatures: [],
  };
  for (const k of keys) signed = signTrustList(signed, createSigner(k));
  return signed;
}

export const xa = (h: Harness) => h.kit.secrets.nodes[h.kit.manifest.peer.node]!.signing;
export const xb = (h: Harness) => h.kit.secrets.nodes[h.kit.manifest.peer.suspended]!.signing;
export const stranger = () => generateSigningKey().privateJwk;

/** The operator hook, or a skip that says how to give one. */
export function operatorOf(h: Harness): OperatorHook {
  if (!h.operator)
    throw new SkipTest(
      "needs the operator steps apply-trust-list and sign-trust-list: run with --operator (docs/certification.md)",
    );
  return h.operator;
}

/** Hands a version to the operator, expects its refusal with `code`, and the list unchanged. */
export async function refused(h: Harness, what: string, signed: SignedTrustList, code: string) {
  const op = operatorOf(h);
  const before = await inForce(h);
  const outcome = await op.applyTrustList(signed);
  check(!outcome.applied, `the node applied ${what}`);
  same(outcome.code, code, `the refusal of ${what} (${outcome.applied ? "" : outcome.message})`);
  same((await inForce(h)).digest, before.digest, `the list in force after refusing ${what}`);
}

/** Hands a version to the operator and expects the node to make it the list in force. */
export async function applied(h: Harness, what: string, signed: SignedTrustList): Promise<void> {
  const outcome = await operatorOf(h).applyTrustList(signed);
  check(
    outcome.applied,
    `the node refused ${what}: ${outcome.applied ? "" : `${outcome.code} ${outcome.message}`}`,
  );
  const now = await inForce(h);
  same(
    now.list.version,
    JSON.parse(Buffer.from(signed.payload, "base64url").toString()).version,
    `the version in force after applying ${what}`,
  );
}

/** The version signed by the node's operator too; a step the operator cannot take skips the test. */
async function withNodeSignature(h: Harness, signed: SignedTrustList): Promise<SignedTrustList> {
  try {
    return await operatorOf(h).signTrustList(signed);
  } catch (error) {
    if (error instanceof OperatorStepFailed) throw new SkipTest(error.message);
    throw error;
  }
}

const isActive = (list: Types.TrustList, node: string) =>
  list.members.some((m) => m.node === node && m.status === "active");

/** Applies the next version of the list in force, changed by `change`, signed by whoever can. */
export async function applyNext(
  h: Harness,
  what: string,
  change: Partial<Types.TrustList>,
): Promise<Types.TrustList> {
  const f = await inForce(h);
  const v = next(f, change);
  // Under control the quorum is 1: XA's signature is enough while XA is active; otherwise the
  // node's own (its operator's) is.
  const signed = isActive(f.list, h.kit.manifest.peer.node)
    ? signedBy(v, [xa(h)])
    : await withNodeSignature(h, signedBy(v, []));
  await applied(h, what, signed);
  return v;
}

/**
 * Runs `fn` with a version in force that XA alone can move on (quorum 1, signed by XA and the
 * node), and restores the members and quorum of the list it found afterwards (as a further
 * version, valid for 30 days), whatever `fn` did to the list; the peer answers as unscripted.
 */
export async function underControl<T>(
  h: Harness,
  fn: (original: InForce) => Promise<T>,
): Promise<T> {
  const original = await inForce(h);
  const v = next(original, { quorum: 1 });
  const signed = await withNodeSignature(h, signedBy(v, [xa(h)]));
  await applied(h, "a version with quorum 1 signed by XA and the node", signed);
  try {
    return await fn(original);
  } finally {
    h.peer.script.reset();
    await applyNext(h, "the list as the test found it", {
      members: original.list.members,
      quorum: original.list.quorum,
    });
  }
}
