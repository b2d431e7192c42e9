// The one mailbox runner (src/jobs/mailbox-job.ts), through a real worker and the real task list:
// a job whose mailbox's lock is taken is queued again under its key a moment later, and runs once
// the lock is free.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTaskList } from '../../src/jobs/task-list.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { enqueueReconcile } from '../../src/queue/enqueue.ts';
import { reconcileJobKey, syncLockName } from '../../src/queue/job-names.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';
import { waitFor } from '../support/wait-for.ts';

interface JobRow {
  id: string;
  run_at: Date;
  locked_at: Date | null;
  attempts: number;
  payload: Record<string, unknown>;
}

describe('the mailbox runner', () => {
  let database: TestDatabase;
  let worker: Worker;
  let deps: ReturnType<typeof makeTestDeps>;

  beforeAll(async () => {
    database = await createTestDatabase();
    deps = makeTestDeps(database);
    worker = await startWorker(deps, { taskList: makeTaskList(deps) });
  });
  afterAll(async () => {
    await worker.stop();
    await database.drop();
  });

  const jobsUnder = async (key: string) =>
    (
      await database.pool.query<JobRow>(
        // The public view hides payloads; the table holds them.
        'select id, run_at, locked_at, attempts, payload from graphile_worker._private_jobs where key = $1',
        [key],
      )
    ).rows;

  it('when another job holds the mailbox, then the job is queued again under its key with its payload, and runs once the lock is free', async () => {
    const mailboxId = randomUUID();
    const otherJob = await deps.database.locks.tryLock(syncLockName(mailboxId));
    expect(otherJob).toBeDefined();
    const key = reconcileJobKey(mailboxId);
    try {
      const firstId = await enqueueReconcile(database.db, mailboxId, { window: 'backfill' });
      const again = await waitFor(
        async () => (await jobsUnder(key)).find((j) => j.id !== firstId && j.locked_at === null),
        { what: 'the busy job queued again' },
      );
      expect(again.payload).toEqual({ mailbox_id: mailboxId, window: 'backfill' });
      expect(again.attempts).toBe(0);
      // A moment later, not at once (it would spin on the lock) and not much later.
      const wait = again.run_at.getTime() - Date.now();
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(deps.config.timings.mailboxBusyRetryMs);
    } finally {
      await otherJob?.();
    }
    // The mailbox is unknown: the run finds nothing to do, and the job is done.
    await waitFor(async () => (await jobsUnder(key)).length === 0, {
      what: 'the job run once the lock is free',
    });
  });
});
