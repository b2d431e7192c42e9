// Progress of a long task on a mailbox (a backfill, a recovery's full sync, a reconciliation, a
// retroactive search), kept in `sync_progress` so the status of any process can read it. Keyed by
// mailbox: one long task runs at a time per mailbox (they hold its sync lock).
//
// The ETA comes from what the pacer knows: the items left, the quota units each costs, and the
// units a second the mailbox is paced at. Once fetching is under way the observed pace is used
// when it is slower (Gmail's latency, a refusal that slowed the bucket, the database), so the
// estimate never promises the quota's ceiling when the mailbox is not reaching it.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';

export type ProgressPhase = 'backfill' | 'recovery' | 'reconciliation' | 'retroactive_search';

export interface ProgressView {
  phase: ProgressPhase;
  done: number;
  total: number;
  eta_seconds: number | null;
}

type Executor = Pick<Db, 'execute'>;

/** Starts (or restarts) a phase with `total` items, each costing `unitsEach` quota units. */
export async function startProgress(
  db: Executor,
  mailboxId: string,
  phase: ProgressPhase,
  total: number,
  pace: { unitsEach: number; unitsPerSec: number },
): Promise<void> {
  await db.execute(sql`
    insert into sync_progress (mailbox_id, phase, done, total, units_each, units_per_sec)
    values (${mailboxId}, ${phase}, 0, ${total}, ${pace.unitsEach}, ${pace.unitsPerSec})
    on conflict (mailbox_id) do update
       set phase = excluded.phase, done = 0, total = excluded.total,
           units_each = excluded.units_each, units_per_sec = excluded.units_per_sec,
           started_at = now(), updated_at = now()`);
}

/** Counts `by` more items done; `unitsPerSec` is the pacer's rate now (it drops under refusals). */
export async function advanceProgress(
  db: Executor,
  mailboxId: string,
  by: number,
  unitsPerSec?: number,
): Promise<void> {
  await db.execute(sql`
    update sync_progress
       set done = least(total, done + ${by}::int),
           units_per_sec = coalesce(${unitsPerSec ?? null}::float8, units_per_sec),
           updated_at = now()
     where mailbox_id = ${mailboxId}`);
}

/** The task is over (done, failed or abandoned): the mailbox is idle again. With `phase`, only
 * that phase's progress is cleared (another task's stays). */
export async function finishProgress(
  db: Executor,
  mailboxId: string,
  phase?: ProgressPhase,
): Promise<void> {
  await db.execute(sql`
    delete from sync_progress
     where mailbox_id = ${mailboxId} and (${phase ?? null}::text is null or phase = ${phase ?? null})`);
}

type ProgressRow = {
  phase: ProgressPhase;
  done: number;
  total: number;
  units_each: number;
  units_per_sec: number;
  elapsed_s: number;
};

export async function readProgress(db: Executor, mailboxId: string): Promise<ProgressView | null> {
  const { rows } = await db.execute<ProgressRow>(sql`
    select phase, done, total, units_each, units_per_sec,
           extract(epoch from now() - started_at)::float8 as elapsed_s
      from sync_progress where mailbox_id = ${mailboxId}`);
  const row = rows[0];
  return row ? toProgressView(row) : null;
}

export function toProgressView(row: ProgressRow): ProgressView {
  return {
    phase: row.phase,
    done: row.done,
    total: row.total,
    eta_seconds: etaSeconds(row),
  };
}

/** Seconds left: the units still to spend over the slower of the paced and the observed rate. */
export function etaSeconds(p: {
  done: number;
  total: number;
  units_each: number;
  units_per_sec: number;
  elapsed_s: number;
}): number | null {
  if (p.units_per_sec <= 0) return null;
  const left = Math.max(0, p.total - p.done) * p.units_each;
  const observed = p.done > 0 && p.elapsed_s > 0 ? (p.done * p.units_each) / p.elapsed_s : null;
  const rate = observed === null ? p.units_per_sec : Math.min(p.units_per_sec, observed);
  return Math.round(left / rate);
}
