// Small measuring helpers for the benchmarks: percentiles, process memory and CPU, quota units.
import { readdir, readFile } from 'node:fs/promises';

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

/** CPU seconds by part of the world: web, worker(s), PostgreSQL, and this process (simulator and load). */
export interface CpuSplit {
  web: number;
  worker: number;
  postgres: number;
  simulator_and_load: number;
}

export async function cpuSplit(world: {
  processes: Map<string, { pid?: number | undefined }>;
  postgresPid(): number | undefined;
}): Promise<CpuSplit> {
  let worker = 0;
  for (const [name, child] of world.processes)
    if (name.startsWith('worker')) worker += await cpuSeconds(child.pid);
  const own = process.cpuUsage();
  return {
    web: await cpuSeconds(world.processes.get('web')?.pid),
    worker,
    postgres: await treeCpuSeconds(world.postgresPid()),
    simulator_and_load: (own.user + own.system) / 1e6,
  };
}

export function cpuDiff(after: CpuSplit, before: CpuSplit): CpuSplit {
  const out = { ...after };
  for (const k of Object.keys(after) as (keyof CpuSplit)[]) out[k] = round(after[k] - before[k]);
  return out;
}

/** A process and its live children (PostgreSQL's backends). */
async function treeCpuSeconds(rootPid: number | undefined): Promise<number> {
  if (!rootPid) return 0;
  let total = await cpuSeconds(rootPid);
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === rootPid) total += await cpuSeconds(Number(entry));
  }
  return total;
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

/**
 * Gmail quota units the simulator's call counts add up to (unknown Gmail methods cost 1). Calendar
 * API calls are left out: Google charges them to the Calendar API's own per-user quota (queries, not
 * Gmail's units; https://developers.google.com/calendar/api/guides/quota).
 */
export function unitsSpent(calls: Record<string, number>, profile: '2026' | '2025'): number {
  return Object.entries(calls).reduce(
    (sum, [method, n]) => sum + (isCalendar(method) ? 0 : n * (COSTS[profile][method] ?? 1)),
    0,
  );
}

export const isCalendar = (method: string) => method.startsWith('calendar.');

/** Calendar API calls among these counts (reported beside Gmail's units, never in them). */
export function calendarCalls(calls: Record<string, number>): number {
  return Object.entries(calls).reduce((sum, [m, n]) => sum + (isCalendar(m) ? n : 0), 0);
}

export type Calls = Record<string, number>;

/** Calls made between two readings of the simulator's counts. */
export function diffCalls(after: Calls, before: Calls): Calls {
  const out: Calls = {};
  for (const [method, n] of Object.entries(after)) {
    const d = n - (before[method] ?? 0);
    if (d !== 0) out[method] = d;
  }
  return out;
}

/** Call counts added up, each part taken `times` times (a poll measured once, run 96 times a day). */
export function addCalls(parts: { calls: Calls; times?: number }[]): Calls {
  const out: Calls = {};
  for (const { calls, times = 1 } of parts)
    for (const [method, n] of Object.entries(calls)) out[method] = (out[method] ?? 0) + n * times;
  return out;
}

/** Quota units by method. */
export function unitsByMethod(calls: Calls, profile: '2026' | '2025'): Calls {
  return Object.fromEntries(
    Object.entries(calls).map(([method, n]) => [method, unitsSpent({ [method]: n }, profile)]),
  );
}
