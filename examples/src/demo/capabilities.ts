import { schemaDocuments } from "@frx/spec";
import type { Scene } from "./context.js";

/** Whether the running nodes can play a part of the story, and if not, why (printed as "skipped"). */
export interface Capability {
  ok: boolean;
  why: string;
}

/** The paths a node's OpenAPI document (`GET /openapi.json`, generated from the spec) lists. */
async function openApiPaths(s: Scene, cc: string): Promise<string[]> {
  const res = await fetch(`${s.fed.url(cc)}/openapi.json`);
  if (!res.ok) throw new Error(`${cc}'s /openapi.json answered ${res.status}`);
  return Object.keys(((await res.json()) as { paths?: Record<string, unknown> }).paths ?? {});
}

/**
 * The fields of a node's signed metadata (`/.well-known/frx-node`). The SDK verifies the
 * signature of the agency's own node; for a peer's, only the field names are read here, to
 * learn what it publishes.
 */
async function metadataFields(s: Scene, cc: string): Promise<string[]> {
  const res = await fetch(`${s.fed.url(cc)}/.well-known/frx-node`);
  if (!res.ok) throw new Error(`${cc}'s /.well-known/frx-node answered ${res.status}`);
  const { jws } = (await res.json()) as { jws?: string };
  const payload = jws?.split(".")[1];
  if (!payload) throw new Error(`${cc}'s metadata is not a JWS`);
  return Object.keys(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as object);
}

/**
 * Cross-border escalation (issue 12, FRX-DL-001, FRX-DL-004, FRX-DL-006): the recipient's node
 * runs a referral's deadlines on the calendar it publishes to its peers, and escalates to the
 * referrer abroad. The published calendar is what a node that does so advertises.
 */
export async function crossBorderEscalation(s: Scene): Promise<Capability> {
  const fields = await metadataFields(s, "LA");
  return fields.includes("calendar")
    ? { ok: true, why: "LA's signed metadata publishes its working-day calendar" }
    : {
        ok: false,
        why: "LA's node does not publish its working-day calendar in its signed metadata (FRX-DL-004), so it does not run deadlines for referrers abroad yet",
      };
}

/**
 * Payment due dates (issue 12): an award names the instalments it is to be paid in, each with
 * the instant it falls due, and the claimant's node sends an overdue notice when one passes
 * unpaid. The spec's remedy.update schema — which every node of this build validates
 * against — says whether an award can carry such a schedule at all.
 */
export function paymentDueDates(): Promise<Capability> {
  const doc = schemaDocuments.find(
    (d) => d.$id === "https://spec.frx.example/v1/schemas/messages/remedy.update.json",
  ) as { $defs?: { body?: { properties?: Record<string, unknown> } } } | undefined;
  return Promise.resolve(
    doc?.$defs?.body?.properties?.schedule
      ? { ok: true, why: "remedy.update carries a payment schedule" }
      : {
          ok: false,
          why: "remedy.update carries no payment schedule in this build's spec, so no node can tell when an instalment is overdue",
        },
  );
}

/**
 * The federation-wide registry lookup (issue 12): a node asks its peers' signed registries
 * whether a legal entity is sanctioned anywhere. A node that answers it lists the route in its
 * OpenAPI document.
 */
export async function registryLookup(s: Scene): Promise<Capability> {
  const routes = (await openApiPaths(s, "LA")).filter(
    (p) => p.startsWith("/v1/registry") && p !== "/v1/registry",
  );
  return routes.length > 0
    ? { ok: true, why: `LA's node answers ${routes.join(", ")}` }
    : {
        ok: false,
        why: "LA's node lists no federation-wide registry lookup in /openapi.json (only its own /v1/registry)",
      };
}
