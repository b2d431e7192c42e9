// Queuing a Workspace's check: at once when registered, and daily (an hourly cron item queues
// those last checked a day ago: an unauthorised client is asked again once a day, never in a loop).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { addJob, type Executor } from '../queue/enqueue.ts';
import { MAX_ATTEMPTS, TASK, workspaceJobKey } from '../queue/job-names.ts';

export function enqueueWorkspaceCheck(db: Executor, orgId: string): Promise<string> {
  return addJob(
    db,
    TASK.checkWorkspace,
    { org_id: orgId },
    { jobKey: workspaceJobKey(orgId), maxAttempts: MAX_ATTEMPTS.checkWorkspace },
  );
}

/** Every Workspace last checked (or registered, unchecked) over a day ago. */
export async function queueDueWorkspaceChecks(db: Pick<Db, 'execute'>): Promise<number> {
  const { rows } = await db.execute<{ id: string }>(sql`
    select graphile_worker.add_jobs(array(
      select json_populate_record(null::graphile_worker.job_spec, json_build_object(
               'identifier', ${TASK.checkWorkspace}::text,
               'payload', json_build_object('org_id', org_id),
               'max_attempts', ${MAX_ATTEMPTS.checkWorkspace}::int,
               'job_key', ${workspaceJobKey('')}::text || org_id))
        from workspaces
       where coalesce(checked_at, updated_at) < now() - interval '1 day'
    ), true) as id`);
  return rows.length;
}
