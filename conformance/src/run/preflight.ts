import { publicJwkOf, type Types, instantMs } from "@frx/spec";
import type { Harness } from "../harness/harness.js";
import { payloadOf } from "../harness/jws-text.js";
import { AGENCIES, AGENCY_NAMES } from "../kit/agencies.js";
import { moveOf } from "../suite/referrals.js";

/** The kit is not (fully) installed at the node: the run stops before any test, without a report. */
export class KitNotInstalled extends Error {
  override readonly name = "KitNotInstalled";
  constructor(readonly problems: string[]) {
    super(`the kit is not installed at the node:\n  - ${problems.join("\n  - ")}`);
  }
}

/** A risk_to_life acknowledge deadline no longer than this means the kit's overrides are applied. */
const OVERRIDE_LIMIT_MS = 60_000;

/**
 * Checks, before any test, that the operator installed the kit: the harness agencies are in
 * the node's directory with the kit's keys, roles and status; the trust list in force names
 * the harness peers with the kit's keys (and the node when the kit lists it); the kit's short
 * deadlines are applied (when the node's case view shows deadlines). Throws KitNotInstalled
 * naming every problem, so that a set-up mistake never becomes a signed FAIL.
 * Returns notes on what could not be checked.
 */
export async function preflight(h: Harness): Promise<string[]> {
  const problems = [...(await agencyProblems(h)), ...(await trustProblems(h))];
  if (problems.length > 0) throw new KitNotInstalled(problems);
  const notes: string[] = [];
  const overrides = await overrideProblem(h, notes);
  if (overrides === null)
    notes.push(
      "the node's case view shows no deadlines, so config-overrides.json could not be checked before the run",
    );
  else if (overrides) throw new KitNotInstalled([overrides]);
  return notes;
}

async function agencyProblems(h: Harness): Promise<string[]> {
  const reply = await h.http.call("GET", "/v1/directory");
  if (reply.status !== 200) return [`GET /v1/directory answered ${reply.status}`];
  let participants: Types.Directory["participants"];
  try {
    participants = reply.json<{ directory: Types.Directory }>().directory.participants;
    if (!Array.isArray(participants)) throw new TypeError("no participants");
  } catch {
    return ["GET /v1/directory answered no directory with participants"];
  }
  const problems: string[] = [];
  for (const name of AGENCY_NAMES) {
    const id = h.id(name);
    const def = AGENCIES[name];
    const p = participants.find((x) => x.id === id);
    if (!p) {
      problems.push(`agency ${id} is not registered (run register-reference-node.sh)`);
      continue;
    }
    const kid = publicJwkOf(h.key(name)).kid;
    if (!p.keys.some((k) => k.kid === kid && k.status === "current"))
      problems.push(
        `agency ${id} is registered without the kit's key ${kid} (a kit made earlier?)`,
      );
    if (p.status !== def.status) problems.push(`agency ${id} is ${p.status}, not ${def.status}`);
    if ([...p.roles].sort().join() !== [...def.roles].sort().join())
      problems.push(`agency ${id} has roles ${p.roles.join(",")}, not ${def.roles.join(",")}`);
    if (p.immigrationFunctions !== def.immigrationFunctions)
      problems.push(`agency ${id} has immigrationFunctions ${String(p.immigrationFunctions)}`);
  }
  return problems;
}

async function trustProblems(h: Harness): Promise<string[]> {
  const reply = await h.http.call("GET", "/v1/trust-list");
  if (reply.status !== 200)
    return [`GET /v1/trust-list answered ${reply.status}: no trust list is in force`];
  let list: Types.TrustList;
  try {
    const signed = reply.json<{ trustList: { payload: string } }>().trustList;
    list = payloadOf(`.${signed.payload}.`) as unknown as Types.TrustList;
    if (!Array.isArray(list.members)) throw new TypeError("no members");
  } catch {
    return ["GET /v1/trust-list answered no trust list"];
  }
  const problems: string[] = [];
  const expected = [
    ...h.kit.peerMembers,
    ...(h.kit.manifest.nodeInTrustList ? [h.node.member] : []),
  ];
  for (const m of expected) {
    const inForce = list.members.find((x) => x.node === m.node);
    const kid = m.signingKeys[0]!.jwk.kid;
    if (!inForce) problems.push(`the trust list in force does not name ${m.node}`);
    else if (!inForce.signingKeys.some((k) => k.jwk.kid === kid))
      problems.push(`the trust list in force gives ${m.node} another key than the kit's`);
    else if (m.node !== h.node.id && inForce.endpoint !== m.endpoint)
      problems.push(`the trust list in force gives ${m.node} the endpoint ${inForce.endpoint}`);
    else if (inForce.status !== m.status)
      problems.push(`the trust list in force has ${m.node} ${inForce.status}, not ${m.status}`);
  }
  return problems;
}

/**
 * Opens a risk_to_life referral and reads its acknowledge deadline from the case view: a
 * problem when it is far later than the kit's, null when the view shows no deadlines.
 * The referral is withdrawn again.
 */
async function overrideProblem(h: Harness, notes: string[]): Promise<string | null | undefined> {
  const base = h.envelope("referral-create-ok");
  const create = { ...base, body: { ...base.body, urgency: "risk_to_life" } };
  const sent = await h.submit(h.sign(create));
  if (sent.status !== 201)
    return `a risk_to_life referral from ${h.id("LI")} to ${h.id("VS")} was refused (HTTP ${sent.status}: ${sent.text.slice(0, 200)})`;
  const receipt = payloadOf(String(sent.json<{ receipt?: unknown }>().receipt));
  const view = await h.call("GET", `/v1/cases/${encodeURIComponent(create.case!)}`, { as: "LI" });
  const deadlines = view.status === 200 ? view.json<{ deadlines?: unknown }>().deadlines : null;
  const r = {
    caseId: create.case!,
    referral: create.referral!,
    create,
    createJws: "",
    receivedAt: "",
  };
  const withdrawn = await h.submit(h.sign(moveOf(h, r, "referral-withdraw-ok", 2)));
  if (withdrawn.status !== 201)
    notes.push(
      `the check's referral ${create.referral} could not be withdrawn (HTTP ${withdrawn.status}); its deadline notices may reach ${h.id("LI")} and ${h.id("VS")}`,
    );
  if (!Array.isArray(deadlines)) return null;
  const ack = (deadlines as Array<{ dueAt?: unknown; startedAt?: unknown }>).find(
    (d) => typeof d.dueAt === "string",
  );
  if (!ack) return null;
  const start = typeof ack.startedAt === "string" ? ack.startedAt : String(receipt.receivedAt);
  const span = (instantMs(ack.dueAt) ?? Number.NaN) - (instantMs(start) ?? Number.NaN);
  if (!Number.isFinite(span))
    return `the deadline ${JSON.stringify(ack.dueAt)} or its start ${JSON.stringify(start)} is not an FRX instant`;
  return span > OVERRIDE_LIMIT_MS
    ? `a risk_to_life referral's deadline falls ${Math.round(span / 1000)} s after it was stored; with config-overrides.json applied it falls within 4 s`
    : undefined;
}
