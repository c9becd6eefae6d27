import { cpus } from "node:os";

export interface CpuSnapshot {
  at: number;
  busyMs: number;
  own: NodeJS.CpuUsage;
}

/**
 * How much of the machine a bench phase had: the CPU the whole machine spent during the
 * phase, the part the bench's own processes account for, and the rest (anything else
 * running). A large `otherPct` means the figures of that phase are not to be trusted.
 */
export interface MachineShare {
  wallMs: number;
  cores: number;
  machineBusyMs: number;
  benchMs: number;
  otherMs: number;
  /** Other processes' CPU as a share of the machine's capacity over the phase. */
  otherPct: number;
}

/** @example const start = cpuSnapshot(); …; machineShare(start, serverCpuMs + loadCpuMs) */
export function cpuSnapshot(): CpuSnapshot {
  const busyMs = cpus().reduce(
    (sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq,
    0,
  );
  return { at: performance.now(), busyMs, own: process.cpuUsage() };
}

/** The machine's CPU since `start`, split into the bench's children (given), this process, and others. */
export function machineShare(start: CpuSnapshot, childrenCpuMs: number): MachineShare {
  const end = cpuSnapshot();
  const cores = cpus().length;
  const wallMs = end.at - start.at;
  const own = process.cpuUsage(start.own);
  const benchMs = childrenCpuMs + (own.user + own.system) / 1000;
  const machineBusyMs = end.busyMs - start.busyMs;
  const otherMs = Math.max(0, machineBusyMs - benchMs);
  return {
    wallMs: Math.round(wallMs),
    cores,
    machineBusyMs: Math.round(machineBusyMs),
    benchMs: Math.round(benchMs),
    otherMs: Math.round(otherMs),
    otherPct: Math.round((otherMs / Math.max(1, wallMs * cores)) * 1000) / 10,
  };
}
