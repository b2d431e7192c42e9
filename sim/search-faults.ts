// The faults of Gmail's search (`PUT /__sim/faults`): how far its index trails the mailbox, and in
// what order `messages.list` answers.
//
// `search_lag_ms` is a fixed lag or a distribution `{"p50","p99","max"}`. Each message draws its
// own place in that distribution when it arrives (`lagDraw`), so under a distribution most mail is
// found within seconds and a tail waits minutes, as Gmail's own search does (reported of its index
// trailing delivery: github.com/anthropics/claude-code/issues/82548); the lag itself is read from
// the fault as it is when a search runs, so lowering the fault lets the index catch up.
//
// `list_order: "shuffled"`: Google promises no order for `messages.list` (its reference says
// nothing of one), so results come in an order of the simulator's own: stable while the mailbox
// does not change, so pages join up, and unrelated to the messages' dates.
import type { StoredMessage } from './gmail-store.ts';

export type SearchLag = number | { p50: number; p99: number; max: number };
export type ListOrder = 'newest_first' | 'shuffled';

/** A day: far past any lag a test or a chaos run waits for. */
const MAX_LAG_MS = 86_400_000;

/** The lag of a message whose draw is `draw` (0..1): piecewise linear through the quantiles. */
export function lagOf(lag: SearchLag | undefined, draw: number): number {
  if (lag === undefined) return 0;
  if (typeof lag === 'number') return lag;
  const points: [number, number][] = [
    [0, 0],
    [0.5, lag.p50],
    [0.99, lag.p99],
    [1, lag.max],
  ];
  for (let i = 1; i < points.length; i++) {
    const [q0, v0] = points[i - 1] as [number, number];
    const [q1, v1] = points[i] as [number, number];
    if (draw <= q1) return v0 + ((draw - q0) / (q1 - q0)) * (v1 - v0);
  }
  return lag.max;
}

/** A misspelt lag or order would silently test Gmail at its best: refuse it. */
export function searchFaultError(faults: {
  search_lag_ms?: unknown;
  list_order?: unknown;
  max_query_chars?: unknown;
}): string | undefined {
  const lag = faults.search_lag_ms;
  const ms = (v: unknown) => typeof v === 'number' && v >= 0 && v <= MAX_LAG_MS;
  if (lag !== undefined && !ms(lag)) {
    const d = lag as { p50?: unknown; p99?: unknown; max?: unknown } | null;
    const ok =
      typeof d === 'object' &&
      d !== null &&
      ms(d.p50) &&
      ms(d.p99) &&
      ms(d.max) &&
      (d.p50 as number) <= (d.p99 as number) &&
      (d.p99 as number) <= (d.max as number);
    if (!ok)
      return 'search_lag_ms must be milliseconds, or {"p50","p99","max"} in milliseconds with p50 <= p99 <= max';
  }
  if (
    faults.list_order !== undefined &&
    !['newest_first', 'shuffled'].includes(faults.list_order as string)
  )
    return 'list_order must be "newest_first" or "shuffled"';
  const max = faults.max_query_chars;
  if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 1))
    return 'max_query_chars must be a whole number of characters, 1 or more';
  return undefined;
}

/** The mailbox's messages in the order `messages.list` gives them. */
export function listed(messages: StoredMessage[], order: ListOrder | undefined): StoredMessage[] {
  const newestFirst = [...messages].reverse();
  if (order !== 'shuffled') return newestFirst;
  return newestFirst
    .map((m) => ({ m, key: fnv1a(m.id) }))
    .sort((a, b) => a.key - b.key)
    .map(({ m }) => m);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
