import { FrxError } from "@frx/spec";
import type { AppContext } from "../context.js";
import type { PendingNotice } from "./notice-delivery.js";

/** An erasure notice the node holds, for the operator: waiting to be sent, or given up on. */
export interface NoticeStatus extends Omit<PendingNotice, "notice"> {
  state: "queued" | "dead";
}

/**
 * The erasure notices this node has not delivered (FRX-ADM-014): queued ones (with their
 * attempts and last error so far) and dead letters (FRX-DP-014). The signed notice itself is
 * left out: it names the cases and messages, which the operator reads with `erasure list`.
 */
export async function listNotices(ctx: AppContext): Promise<NoticeStatus[]> {
  const out: NoticeStatus[] = [];
  for (const [key, value] of await ctx.store.range<PendingNotice>("erasureNotices")) {
    const state = key.startsWith("dead!") ? "dead" : key.startsWith("q!") ? "queued" : undefined;
    if (!state) continue;
    const { notice: _notice, ...rest } = value;
    out.push({ state, ...rest });
  }
  return out;
}

const ERASURE = /^[0-9A-Za-z-]{1,64}$/;
const NODE = /^[A-Z]{2}$/;

/**
 * Queues a dead erasure notice again for the same node, with a new retry window of its own
 * (FRX-DP-014 counts from `queuedAt`, now), or discards it; either way with an audit entry, in
 * one batch (FRX-ADM-014). A notice the node does not hold as a dead letter is
 * `request.not-found` (FRX-ADM-011).
 */
export async function settleNotice(
  ctx: AppContext,
  erasure: string,
  node: string,
  action: "retry" | "discard",
  actor: string,
): Promise<void> {
  if (!ERASURE.test(erasure) || !NODE.test(node))
    throw new FrxError(
      "request.not-found",
      `no dead erasure notice ${JSON.stringify(erasure)} for ${JSON.stringify(node)}`,
    );
  const { commit } = await ctx.serial.run(async () => {
    const key = `dead!${erasure}!${node}`;
    const dead = await ctx.store.get<PendingNotice>("erasureNotices", key);
    if (!dead)
      throw new FrxError("request.not-found", `no dead erasure notice ${erasure} for ${node}`);
    const now = ctx.clock.now().toISOString();
    const ops = ctx.audit.append(now, {
      kind: "admin",
      actor,
      detail: `erasure notice ${erasure} for ${node} ${action === "retry" ? "queued again" : "discarded"}`,
    });
    ops.push({ type: "del", aggregate: "erasureNotices", key });
    if (action === "retry") {
      const { lastError: _e, ...rest } = dead;
      const queued: PendingNotice = { ...rest, queuedAt: now, attempts: 0 };
      ops.push({
        type: "put",
        aggregate: "erasureNotices",
        key: `q!${erasure}!${node}`,
        value: queued,
      });
    }
    return { commit: ctx.store.commit(ops) };
  });
  await commit;
  if (action === "retry") ctx.outbox?.notices.kick();
}
