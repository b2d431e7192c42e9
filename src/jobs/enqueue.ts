// Adding jobs through graphile-worker's SQL function, so a job can be committed in the same
// transaction as the rows that call for it (the push endpoint acks only after this commits).
import type { Pool, PoolClient } from 'pg';

export interface JobSpec {
  /** Coalesces: while a job with this key waits, adding another replaces it (one pending sync). */
  jobKey?: string;
  /** Jobs in one queue run one at a time, in order. */
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

export async function addJob(
  db: Pool | PoolClient,
  task: string,
  payload: Record<string, unknown>,
  spec: JobSpec = {},
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `select id from graphile_worker.add_job(
       identifier => $1, payload => $2::json, queue_name => $3, run_at => $4,
       max_attempts => $5, job_key => $6, priority => $7)`,
    [
      task,
      JSON.stringify(payload),
      spec.queueName ?? null,
      spec.runAt ?? null,
      spec.maxAttempts ?? null,
      spec.jobKey ?? null,
      spec.priority ?? null,
    ],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`add_job returned no job for ${task}`);
  return String(id);
}
