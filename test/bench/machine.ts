// What the whole VM did during a measurement, from /proc/stat: busy, idle and steal shares of its
// vCPUs. Steal is time the hypervisor gave this VM's vCPUs to others: a run with much of it had
// fewer than this machine's cores, which the benchmarks' figures should be read against.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Machine-wide CPU time counters (user, nice, system, idle, iowait, irq, softirq, steal) in clock ticks. */
export function machineTicks(): number[] {
  try {
    return readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  } catch {
    return new Array<number>(8).fill(0);
  }
}

export interface MachineShares {
  busy: number;
  idle: number;
  steal: number;
}

/** Shares (0–1) of the vCPUs' time since `before` (a machineTicks() reading). */
export function machineShares(before: number[]): MachineShares {
  const d = machineTicks().map((v, i) => v - before[i]!);
  const total = d.reduce((a, b) => a + b, 0) || 1;
  return { busy: (total - d[3]! - d[4]! - d[7]!) / total, idle: d[3]! / total, steal: d[7]! / total };
}

export function describeShares(s: MachineShares): string {
  const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
  return `busy ${pct(s.busy)}, idle ${pct(s.idle)}, steal ${pct(s.steal)} (of ${availableParallelism()} vCPUs)`;
}
