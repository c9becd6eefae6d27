import { FrxError, type PublicJwk } from "@frx/spec";
import type { ParticipantRecord } from "../store/records.js";
import { addOperator, listOperators } from "./operators.js";
import type { AdminOperation } from "./operation.js";
import {
  registerParticipant,
  rotateParticipantKey,
  setParticipantStatus,
  type ParticipantRegistration,
} from "./participants.js";
import { revokeParticipantKey } from "./revoke.js";
import { updateParticipant } from "./update.js";

/** An agency as operators see it: its keys with status, revoked ones included. */
export type AgencyView = Omit<ParticipantRecord, "keys"> & {
  keys: Array<{
    kid: string;
    addedAt: string;
    status: "current" | "retired" | "revoked";
    retiredAt?: string;
    revokedAt?: string;
  }>;
};

/** An agency as operators see it: its keys with status, revoked ones included. */
export function agencyView(p: ParticipantRecord): AgencyView {
  return {
    ...p,
    keys: p.keys.map((k) => ({
      kid: k.kid,
      addedAt: k.addedAt,
      status: k.revokedAt ? "revoked" : k.retiredAt ? "retired" : "current",
      ...(k.retiredAt ? { retiredAt: k.retiredAt } : {}),
      ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
    })),
  };
}

const jwkOf = (v: unknown, name: string): PublicJwk => {
  if (typeof v !== "object" || v === null)
    throw new FrxError("request.malformed", `${name} must be a public JWK`);
  return v as PublicJwk;
};
const text = (v: unknown, name: string): string => {
  if (typeof v !== "string" || v.length === 0)
    throw new FrxError("request.malformed", `${name} must be a non-empty string`);
  return v;
};

export const agencyOperations: AdminOperation[] = [
  {
    name: "agency.list",
    method: "GET",
    path: "/agencies",
    changes: false,
    run: async (node) => (await node.ctx.directory.list()).map(agencyView),
  },
  {
    name: "agency.add",
    method: "POST",
    path: "/agencies",
    changes: true,
    run: async (node, input, actor) => {
      const reg = { ...input, publicJwk: jwkOf(input.publicJwk, "publicJwk") };
      return agencyView(
        await registerParticipant(node.ctx, reg as unknown as ParticipantRegistration, actor),
      );
    },
  },
  {
    name: "agency.update",
    method: "POST",
    path: "/agencies/:id",
    changes: true,
    run: async (node, input, actor) =>
      agencyView(await updateParticipant(node.ctx, text(input.id, "id"), input, actor)),
  },
  ...(["disable", "enable"] as const).map((verb): AdminOperation => ({
    name: `agency.${verb}`,
    method: "POST",
    path: `/agencies/:id/${verb}`,
    changes: true,
    run: async (node, input, actor) =>
      agencyView(
        await setParticipantStatus(
          node.ctx,
          text(input.id, "id"),
          verb === "disable" ? "disabled" : "active",
          actor,
        ),
      ),
  })),
  {
    name: "agency.rotate-key",
    method: "POST",
    path: "/agencies/:id/keys",
    changes: true,
    run: async (node, input, actor) =>
      agencyView(
        await rotateParticipantKey(
          node.ctx,
          text(input.id, "id"),
          jwkOf(input.publicJwk, "publicJwk"),
          actor,
        ),
      ),
  },
  {
    name: "agency.revoke-key",
    method: "POST",
    path: "/agencies/:id/keys/:kid/revoke",
    changes: true,
    run: async (node, input, actor) => {
      const { record, suspect } = await revokeParticipantKey(
        node.ctx,
        text(input.id, "id"),
        text(input.kid, "kid"),
        input.revokedAt === undefined
          ? node.ctx.clock.now().toISOString()
          : text(input.revokedAt, "revokedAt"),
        input.replacement === undefined ? undefined : jwkOf(input.replacement, "replacement"),
        actor,
      );
      return { agency: agencyView(record), suspect };
    },
  },
  {
    name: "operator.list",
    method: "GET",
    path: "/operators",
    changes: false,
    run: async (node) =>
      (await listOperators(node.ctx)).map(({ name, kid, addedAt }) => ({ name, kid, addedAt })),
  },
  {
    name: "operator.add",
    method: "POST",
    path: "/operators",
    changes: true,
    run: async (node, input, actor) => {
      const { name, kid, addedAt } = await addOperator(
        node.ctx,
        text(input.name, "name"),
        jwkOf(input.publicJwk, "publicJwk"),
        actor,
      );
      return { name, kid, addedAt };
    },
  },
];
