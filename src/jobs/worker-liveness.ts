// Crash recovery for the job queue. graphile-worker unlocks a job whose worker died only after
// 4 hours. Each worker process therefore holds a session advisory lock for as long as it lives and
// records its workers under that lock; a lock that another process can take means its owner is
// gone, and its jobs are unlocked at once.
//
// PostgreSQL ends every session when it restarts, and the lock with it: a live process would then
// look dead to the next reaper, which would unlock its running jobs and forget its workers (so
// that, if it really died later, its jobs would stay locked for hours). The lease therefore lives on
// its own connection, notices when that connection is lost, takes its lock again on a new one and
// records its workers again, in the transaction that takes the lock (a reaper looking between the
// two would find jobs locked by workers no lease names). And since every process loses its lock in
// a restart, a process whose own lease had to be taken again (it saw the restart, a failover or a
// network cut, as every other process did) takes no one for dead for RESTART_GRACE_MS: a free lock
// then may be a live process still reconnecting.
import { randomInt } from 'node:crypto';
import pg from 'pg';

/** Namespace of our advisory locks (two-key form, so it cannot collide with single-key locks). */
const LOCK_CLASS = 4712;
const RETRY_MS = { min: 200, max: 5_000 };

export interface ProcessLease {
  processLock: number;
  /** When the lease last had to take its lock again on a new connection (undefined: never). */
  renewedAt(): number | undefined;
  register(workerId: string): Promise<void>;
  /** Resolves once the lock is held on a live session (after a reconnection, once it is back). */
  held(): Promise<void>;
  release(): Promise<void>;
}

export interface LeaseOptions {
  /** Told each time the lease had to take its lock again on a new connection. */
  onRenewed?: () => void;
}

export async function holdProcessLease(
  pool: pg.Pool,
  opts: LeaseOptions = {},
): Promise<ProcessLease> {
  const processLock = randomInt(1, 2 ** 31 - 1);
  const workers = new Set<string>();
  let released = false;
  let client: pg.Client | undefined;
  let holding: Promise<void> = Promise.resolve();
  let renewedAt: number | undefined;

  const recordWorkers = (db: Pick<pg.Pool, 'query'>, ids: string[]) =>
    db.query(
      `insert into worker_leases (worker_id, process_lock)
         select unnest($1::text[]), $2 on conflict do nothing`,
      [ids, processLock],
    );

  const connect = async (): Promise<void> => {
    const next = new pg.Client(pool.options);
    next.on('error', () => onLost(next));
    next.on('end', () => onLost(next));
    await next.connect();
    // One transaction: the lock (a session lock, so it outlives the commit) and our workers' rows,
    // which a reaper may have forgotten while the lock was free, become visible together.
    await next.query('begin');
    // Waits while a reaper that took our lock in the gap is still unlocking under it.
    await next.query('select pg_advisory_lock($1, $2)', [LOCK_CLASS, processLock]);
    if (workers.size > 0) await recordWorkers(next, [...workers]);
    await next.query('commit');
    client = next;
  };

  const reconnect = async (): Promise<void> => {
    for (let attempt = 0; !released; attempt += 1) {
      try {
        await connect();
        renewedAt = Date.now();
        opts.onRenewed?.();
        return;
      } catch {
        client?.end().catch(() => undefined);
        client = undefined;
        const delay = Math.min(RETRY_MS.max, RETRY_MS.min * 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  function onLost(lost: pg.Client): void {
    if (released || client !== lost) return;
    client = undefined;
    lost.end().catch(() => undefined);
    holding = reconnect();
  }

  await connect();
  return {
    processLock,
    renewedAt: () => renewedAt,
    register: async (workerId) => {
      workers.add(workerId);
      await recordWorkers(pool, [workerId]);
    },
    held: () => holding,
    release: async () => {
      released = true;
      await pool
        .query('delete from worker_leases where process_lock = $1', [processLock])
        .catch(() => {});
      await client?.end().catch(() => undefined);
    },
  };
}

/**
 * A worker is recorded just after graphile-worker creates it, and its first fetch may lock jobs
 * before that row commits: a process killed in between leaves jobs locked by a worker no lease
 * names. Such locks, older than any live process takes to record itself, are unlocked too.
 */
const UNRECORDED_GRACE = '1 minute';

/** How long after a restart every live process is given to take its lease again. */
export const RESTART_GRACE_MS = 60_000;

export interface ReapOptions {
  /** When the reaping process's own lease last had to be taken again (ProcessLease.renewedAt). */
  ownLeaseRenewedAt?: number | undefined;
}

/**
 * Unlocks the jobs of workers whose process is gone; returns how many processes were reaped (none
 * within RESTART_GRACE_MS of this process's own lease being taken again).
 */
export async function reapDeadWorkers(pool: pg.Pool, opts: ReapOptions = {}): Promise<number> {
  const renewed = opts.ownLeaseRenewedAt;
  if (renewed !== undefined && Date.now() - renewed < RESTART_GRACE_MS) return 0;
  await pool.query(
    `select graphile_worker.force_unlock_workers(array(
       select distinct locked_by from graphile_worker._private_jobs j
        where locked_by is not null and locked_at < now() - $1::interval
          and not exists (select 1 from worker_leases w where w.worker_id = j.locked_by)))`,
    [UNRECORDED_GRACE],
  );
  const { rows } = await pool.query<{ process_lock: number }>(
    'select distinct process_lock from worker_leases',
  );
  let reaped = 0;
  const client = await pool.connect();
  try {
    for (const { process_lock } of rows) {
      const lock = await client.query<{ got: boolean }>(
        'select pg_try_advisory_lock($1, $2) as got',
        [LOCK_CLASS, process_lock],
      );
      if (!lock.rows[0]?.got) continue;
      try {
        await client.query(
          `select graphile_worker.force_unlock_workers(array(
             select worker_id from worker_leases where process_lock = $1))`,
          [process_lock],
        );
        await client.query('delete from worker_leases where process_lock = $1', [process_lock]);
        reaped += 1;
      } finally {
        await client.query('select pg_advisory_unlock($1, $2)', [LOCK_CLASS, process_lock]);
      }
    }
  } finally {
    client.release();
  }
  return reaped;
}
