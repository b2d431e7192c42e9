import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTaskList } from '../../src/jobs/task-list.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { addJob } from '../../src/queue/enqueue.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';
import { testTasks } from '../support/test-tasks.ts';
import { waitFor } from '../support/wait-for.ts';

describe('the job queue', () => {
  let database: TestDatabase;
  let worker: Worker;

  beforeAll(async () => {
    database = await createTestDatabase();
    const deps = makeTestDeps(database);
    worker = await startWorker(deps, {
      taskList: { ...makeTaskList(deps), ...testTasks(database) },
    });
  });
  afterAll(async () => {
    await worker.stop();
    await database.drop();
  });

  it('when a job is added, then a worker runs it and its effect is stored', async () => {
    const jobId = await addJob(database.db, 'ping', { note: 'round trip' });
    const row = await waitFor(async () => {
      const { rows } = await database.pool.query(
        `select payload from events where type = 'worker.ping'`,
      );
      return rows[0]?.payload;
    });
    expect(row).toEqual({ note: 'round trip', job_id: jobId });
  });

  it('when jobs share a key while waiting, then they coalesce into one', async () => {
    const later = new Date(Date.now() + 60_000);
    const a = await addJob(database.db, 'ping', { note: 'a' }, { jobKey: 'k', runAt: later });
    const b = await addJob(database.db, 'ping', { note: 'b' }, { jobKey: 'k', runAt: later });
    expect(b).toBe(a);
    const { rows } = await database.pool.query(
      `select count(*)::int as n from graphile_worker.jobs where key = 'k'`,
    );
    expect(rows[0].n).toBe(1);
  });
});
