import { instantMs } from "@frx/spec";
import type { AppContext } from "../context.js";

/**
 * Gauges read from the store when metrics are scraped: envelopes queued for peers, dead
 * letters, and seconds until the trust list expires. Per peer only where `perPeer` is true
 * (the admin listener): the public /metrics names no peer.
 */
export async function federationGauges(ctx: AppContext, perPeer: boolean): Promise<string> {
  const queued = new Map<string, number>();
  for (const [key] of await ctx.store.range("outbox", { gte: "q!", lt: "q!~" })) {
    const peer = key.split("!")[1]!;
    queued.set(peer, (queued.get(peer) ?? 0) + 1);
  }
  const dead = new Map<string, number>();
  for (const [key] of await ctx.store.range("deadLetters")) {
    const peer = key.split("!")[0]!;
    dead.set(peer, (dead.get(peer) ?? 0) + 1);
  }
  const lines: string[] = [];
  const gauge = (name: string, counts: Map<string, number>) => {
    lines.push(`# TYPE ${name} gauge`);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (!perPeer) lines.push(`${name} ${total}`);
    else {
      lines.push(`${name} ${total}`);
      for (const [peer, n] of [...counts].sort()) lines.push(`${name}{peer="${peer}"} ${n}`);
    }
  };
  gauge("frx_outbox_queued", queued);
  gauge("frx_dead_letters", dead);
  const expires = ctx.trust.list ? instantMs(ctx.trust.list.list.expiresAt) : undefined;
  if (expires !== undefined)
    lines.push(
      "# TYPE frx_trust_list_expires_in_seconds gauge",
      `frx_trust_list_expires_in_seconds ${Math.round((expires - ctx.clock.now().getTime()) / 1000)}`,
      "# TYPE frx_trust_list_version gauge",
      `frx_trust_list_version ${ctx.trust.list!.list.version}`,
    );
  return lines.join("\n") + "\n";
}
