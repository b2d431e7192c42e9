// Jobs waiting to search the org's mailboxes for addresses (retroactive searches: a record added or
// changed, a blocklist entry lifted) carry the addresses in their payload: an erased person's is
// taken out. graphile-worker's public view has no payload, so its jobs table is read directly;
// a waiting job is removed through its own complete_jobs() and added again without the address
// (when other terms remain and its attempts do). A running one drops the address itself (a retro
// search filters erased terms as it starts, sync/retro-search.ts).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { enqueueRetroSearch } from '../queue/enqueue.ts';
import { TASK } from '../queue/job-names.ts';

export async function forgetInJobs(tx: Pick<Db, 'execute'>, orgId: string, email: string) {
  const { rows } = await tx.execute<{
    id: string;
    payload: { mailbox_id: string; terms: string[]; pass?: number };
    run_at: Date;
    spent: boolean;
  }>(sql`
    select j.id, j.payload, j.run_at, j.attempts >= j.max_attempts as spent
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
     where t.identifier = ${TASK.retroSearch} and j.locked_at is null
       and j.payload::jsonb -> 'terms' ? ${email}
       and j.payload ->> 'mailbox_id' in (select id::text from mailboxes where org_id = ${orgId})`);
  if (rows.length === 0) return;
  await tx.execute(
    sql`select graphile_worker.complete_jobs(${sqlArray(
      rows.map((r) => r.id),
      'bigint',
    )})`,
  );
  for (const job of rows) {
    const terms = job.payload.terms.filter((t) => t !== email);
    if (job.spent || terms.length === 0) continue;
    await enqueueRetroSearch(tx, { ...job.payload, terms }, new Date(job.run_at));
  }
}
