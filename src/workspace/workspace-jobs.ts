// Queuing a Workspace's check: at once when registered, and daily (an hourly cron item queues
// those last checked a day ago: an unauthorised client is asked again once a day, never in a loop).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { addJobsSql, jobSpecSql } from '../queue/add-jobs.ts';
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
    select ${addJobsSql(
      sql`select ${jobSpecSql({
        task: TASK.checkWorkspace,
        payload: sql`json_build_object('org_id', org_id)`,
        maxAttempts: MAX_ATTEMPTS.checkWorkspace,
        jobKey: sql`${workspaceJobKey('')}::text || org_id`,
      })}
        from workspaces
       where coalesce(checked_at, updated_at) < now() - interval '1 day'`,
      { keepRunAt: true },
    )} as id`);
  return rows.length;
}
