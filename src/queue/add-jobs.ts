// Set-based adding: one statement queues a job for each row a query selects (every mailbox due a
// sync, every Workspace due a check), in the same statement as the rows that call for them. The
// only place outside queue/ would-be callers of graphile_worker.add_jobs go through
// (test/queue/add-job-callers.test.ts holds them to it). Job rows are built by field name
// (graphile_worker.job_spec), never by position.
import type { SQL } from 'drizzle-orm';
import { sql } from '../db/orm.ts';

/**
 * graphile_worker.add_jobs over the job specs `specs` selects (one job_spec column), an SQL
 * expression returning the jobs. `keepRunAt`: a job already waiting under the same key keeps its
 * run_at (an earlier sync is not put off by a later one); false moves it to the new spec's.
 * A statement must reference the expression (a CTE nobody reads is not run).
 */
export function addJobsSql(specs: SQL, opts: { keepRunAt: boolean }): SQL {
  return sql`graphile_worker.add_jobs(array(${specs}), ${sql.raw(String(opts.keepRunAt))})`;
}

/** The same as text, for static named statements (ingest/notifications.ts); `specs` is code's. */
export function addJobsText(specs: string, opts: { keepRunAt: boolean }): string {
  return `graphile_worker.add_jobs(array(${specs}), ${String(opts.keepRunAt)})`;
}

export interface JobSpecSql {
  task: string;
  /** An SQL json expression over the selecting query's columns. */
  payload: SQL;
  maxAttempts: number;
  /** An SQL text expression: the coalescing key, usually a prefix and the row's id. */
  jobKey: SQL;
  /** An SQL timestamptz expression; null (now) when left out. */
  runAt?: SQL;
}

/** One job_spec, by field name, for a row of the query around it (see addJobsSql). */
export function jobSpecSql(spec: JobSpecSql): SQL {
  return sql`json_populate_record(null::graphile_worker.job_spec, json_build_object(
      'identifier', ${spec.task}::text, 'payload', ${spec.payload},
      'run_at', ${spec.runAt ?? sql`null`}, 'max_attempts', ${spec.maxAttempts}::int,
      'job_key', ${spec.jobKey}))`;
}
