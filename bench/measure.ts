// Small measuring helpers for the benchmarks: percentiles, process memory and CPU, quota units.
import { readFile } from 'node:fs/promises';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Peak resident set (VmHWM) of a process, in MB. */
export async function peakRssMb(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024, 1);
}

/** User + system CPU seconds a process has used. */
export async function cpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

const COSTS: Record<'2026' | '2025', Record<string, number>> = {
  '2026': {
    'messages.get': 20,
    'messages.list': 5,
    'history.list': 2,
    getProfile: 1,
    watch: 100,
    'messages.send': 100,
  },
  '2025': {
    'messages.get': 5,
    'messages.list': 5,
    'history.list': 2,
    getProfile: 1,
    watch: 100,
    'messages.send': 100,
  },
};

/** Quota units the simulator's call counts add up to (unknown methods cost 1). */
export function unitsSpent(calls: Record<string, number>, profile: '2026' | '2025'): number {
  return Object.entries(calls).reduce(
    (sum, [method, n]) => sum + n * (COSTS[profile][method] ?? 1),
    0,
  );
}
