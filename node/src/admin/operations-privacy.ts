import { FrxError } from "@frx/spec";
import { eraseByPerson } from "../privacy/request.js";
import { applyErasureNotice, erasureNotice } from "../privacy/notice.js";
import { listNotices, settleNotice } from "../privacy/notice-dead-letters.js";
import { listErasures } from "../privacy/erase.js";
import { listHolds, placeHold, releaseHold } from "../privacy/holds.js";
import { checkPersonRef } from "../privacy/person.js";
import { runRetention } from "../privacy/retention.js";
import { reencrypt, retireDataKey, rotateDataKey } from "../privacy/rotation.js";
import { subjectAccess } from "../privacy/subject-access.js";
import type { AdminOperation } from "./operation.js";
import { str } from "./operation.js";

const text = (input: Record<string, unknown>, name: string): string => {
  try {
    return str(input, name);
  } catch (error) {
    throw new FrxError("request.malformed", (error as Error).message);
  }
};

const personRef = (input: Record<string, unknown>): string => {
  try {
    return checkPersonRef(input.personRef);
  } catch (error) {
    throw new FrxError("request.malformed", (error as Error).message);
  }
};

/**
 * Personal data over its life (spec/data-protection.md): data keys, legal holds, the
 * retention job, erasure on request and subject-access exports, on a running node or offline.
 */
export const privacyOperations: AdminOperation[] = [
  {
    name: "data-key.rotate",
    method: "POST",
    path: "/data-keys/rotate",
    changes: true,
    run: (n, _input, actor) => rotateDataKey(n.ctx, actor),
  },
  {
    name: "data-key.reencrypt",
    method: "POST",
    path: "/data-keys/reencrypt",
    changes: true,
    run: (n, _input, actor) => reencrypt(n.ctx, actor),
  },
  {
    name: "data-key.retire",
    method: "POST",
    path: "/data-keys/:key/retire",
    changes: true,
    run: (n, input, actor) => retireDataKey(n.ctx, text(input, "key"), actor),
  },
  {
    name: "hold.list",
    method: "GET",
    path: "/holds",
    changes: false,
    run: (n) => listHolds(n.ctx),
  },
  {
    name: "hold.place",
    method: "POST",
    path: "/holds",
    changes: true,
    run: (n, input, actor) => placeHold(n.ctx, text(input, "case"), text(input, "reason"), actor),
  },
  {
    name: "hold.release",
    method: "POST",
    path: "/holds/:hold/release",
    changes: true,
    run: async (n, input, actor) => {
      await releaseHold(n.ctx, text(input, "case"), text(input, "hold"), actor);
      return { ok: true };
    },
  },
  {
    name: "retention.run",
    method: "POST",
    path: "/retention/run",
    changes: true,
    run: (n, input, actor) => runRetention(n.ctx, { dryRun: input.dryRun === true, actor }),
  },
  {
    name: "erasure.list",
    method: "GET",
    path: "/erasures",
    changes: false,
    run: (n) => listErasures(n.ctx),
  },
  {
    name: "erasure.person",
    method: "POST",
    path: "/erasures",
    changes: true,
    run: async (n, input, actor) => {
      const record = await eraseByPerson(n.ctx, personRef(input), text(input, "reason"), actor);
      // For the other parties' nodes (FRX-DP-010): queued and sent by the node (FRX-DP-013), shown for carrying by hand.
      return { ...record, notice: await erasureNotice(n.ctx, record) };
    },
  },
  {
    name: "erasure.notice",
    method: "POST",
    path: "/erasure-notices",
    changes: true,
    run: (n, input) => applyErasureNotice(n.ctx, text(input, "notice")),
  },
  {
    name: "erasure-notice.list",
    method: "GET",
    path: "/erasure-notices",
    changes: false,
    run: (n) => listNotices(n.ctx),
  },
  ...(["retry", "discard"] as const).map((action): AdminOperation => ({
    name: `erasure-notice.${action}`,
    method: "POST",
    path: `/erasure-notices/:erasure/:node/${action}`,
    changes: true,
    run: async (n, input, actor) => {
      await settleNotice(n.ctx, text(input, "erasure"), text(input, "node"), action, actor);
      return { ok: true };
    },
  })),
  {
    name: "subject-access",
    // POST: the personRef stays out of URLs and access logs; nothing changes.
    method: "POST",
    path: "/subject-access",
    changes: false,
    run: (n, input) => subjectAccess(n.ctx, personRef(input)),
  },
];
