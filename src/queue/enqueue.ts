// Adding jobs through graphile-worker's SQL function, so a job can be committed in the same
// transaction as the rows that call for it (the push endpoint acks only after this commits).

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';

/** The database or an open transaction: anything that can run a statement. */
export type Executor = Pick<Db, 'execute'>;

export interface JobSpec {
  /** Coalesces: while a job with this key waits, adding another replaces it (one pending job). */
  jobKey?: string;
  /** Jobs in one queue run one at a time, in order. */
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

export async function addJob(
  db: Executor,
  task: string,
  payload: Record<string, unknown>,
  spec: JobSpec = {},
): Promise<string> {
  const result = await db.execute<{ id: string }>(sql`
    select id from graphile_worker.add_job(
      identifier => ${task}, payload => ${JSON.stringify(payload)}::json,
      queue_name => ${spec.queueName ?? null}, run_at => ${spec.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => ${spec.maxAttempts ?? null}::int, job_key => ${spec.jobKey ?? null},
      priority => ${spec.priority ?? null}::int)`);
  const id = result.rows[0]?.id;
  if (id === undefined) throw new Error(`add_job returned no job for ${task}`);
  return String(id);
}
