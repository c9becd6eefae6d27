import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  fn: string;
  ms: number;
  pct: number;
}

/** Where a profiled process spent its CPU: the top functions by self time and by total time. */
export interface ProfileSummary {
  sampledMs: number;
  idleMs: number;
  self: ProfileEntry[];
  total: ProfileEntry[];
}

/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and ranks functions by self time and by
 * inclusive time; a function counts once per stack even when it recurses.
 *
 * @example const { self } = await summarizeProfile("/tmp/x.cpuprofile", 20)
 */
export async function summarizeProfile(file: string, top: number): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, k) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)),
  );
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url.replace(/^file:\/\//, "").replace(/^.*\/(node_modules|main)\//, "");
    return `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
  };

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  // Inclusive time, counting a function once per stack: add a subtree's time only where the
  // function is not already on the path above it.
  const walk = (id: number, onPath: Set<string>): number => {
    const node = byId.get(id)!;
    const key = label(node);
    const own = selfUs.get(id) ?? 0;
    sampled += own;
    if (key === "(idle)") idle += own;
    self.set(key, (self.get(key) ?? 0) + own);
    const entered = !onPath.has(key);
    if (entered) onPath.add(key);
    let sum = own;
    for (const child of node.children ?? []) sum += walk(child, onPath);
    if (entered) {
      onPath.delete(key);
      total.set(key, (total.get(key) ?? 0) + sum);
    }
    return sum;
  };
  walk(profile.nodes[0]!.id, new Set());

  const busy = Math.max(1, sampled - idle);
  const rank = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => !["(idle)", "(root)", "(program)"].includes(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({
        fn,
        ms: Math.round(us / 1000),
        pct: Math.round((us / busy) * 1000) / 10,
      }));
  return {
    sampledMs: Math.round(sampled / 1000),
    idleMs: Math.round(idle / 1000),
    self: rank(self),
    total: rank(total),
  };
}
