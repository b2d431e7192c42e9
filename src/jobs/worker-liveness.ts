// Crash recovery for the job queue. graphile-worker unlocks a job whose worker died only after
// 4 hours, and a sync job's key stays taken meanwhile. Each worker process therefore holds a
// session advisory lock for as long as it lives and records its workers under that lock; a lock
// that another process can take means its owner is gone, and its jobs are unlocked at once.
import { randomInt } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

/** Namespace of our advisory locks (two-key form, so it cannot collide with single-key locks). */
const LOCK_CLASS = 4712;

export interface ProcessLease {
  processLock: number;
  register(workerId: string): Promise<void>;
  release(): Promise<void>;
}

export async function holdProcessLease(pool: Pool): Promise<ProcessLease> {
  const processLock = randomInt(1, 2 ** 31 - 1);
  const client: PoolClient = await pool.connect();
  await client.query('select pg_advisory_lock($1, $2)', [LOCK_CLASS, processLock]);
  return {
    processLock,
    register: async (workerId) => {
      await pool.query(
        'insert into worker_leases (worker_id, process_lock) values ($1, $2) on conflict do nothing',
        [workerId, processLock],
      );
    },
    release: async () => {
      await pool
        .query('delete from worker_leases where process_lock = $1', [processLock])
        .catch(() => {});
      client.release(true);
    },
  };
}

/** Unlocks the jobs of workers whose process is gone; returns how many processes were reaped. */
export async function reapDeadWorkers(pool: Pool): Promise<number> {
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
