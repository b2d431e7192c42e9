// A worker that stops taking jobs says so and recovers. The stall is made real: a transaction holds
// graphile-worker's job-queue table, so the worker's job fetch hangs as on a connection that never
// answers, while jobs come due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthApp } from '../../src/http/health-routes.ts';
import { makeTaskList } from '../../src/jobs/task-list.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { addJob } from '../../src/queue/enqueue.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';
import { testTasks } from '../support/test-tasks.ts';
import { waitFor } from '../support/wait-for.ts';

describe('a stalled worker', () => {
  let database: TestDatabase;
  let worker: Worker;
  let server: RunningServer;

  beforeAll(async () => {
    // The worker runs on the test's pool, and the stall holds several of its connections (the
    // blocker, the hung fetch, LISTEN) while /metrics still needs one.
    database = await createTestDatabase({ poolSize: 10 });
    const deps = makeTestDeps(database);
    worker = await startWorker(deps, {
      taskList: { ...makeTaskList(deps), ...testTasks(database) },
      stallAfterMs: 1_000,
      stallCheckEveryMs: 100,
    });
    server = await listen(createHealthApp(deps, worker.health));
  });
  afterAll(async () => {
    await server.close();
    await worker.stop();
    await database.drop();
  });

  const readiness = async () => {
    const res = await fetch(`${server.url}/readyz`);
    return { status: res.status, body: await res.json() };
  };
  const metric = async (name: string) => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.split(' ')[1]);
  };
  const pings = async () => {
    const { rows } = await database.pool.query(
      `select count(*)::int as n from events where type = 'worker.ping' and payload->>'note' = 'due'`,
    );
    return rows[0].n as number;
  };

  it('when runnable jobs wait and the worker starts none, then readiness and the metric say it is stalled, and it takes the jobs once it can', async () => {
    expect((await readiness()).status).toBe(200);
    const due = new Date(Date.now() + 500);
    for (let i = 0; i < 3; i++) await addJob(database.db, 'ping', { note: 'due' }, { runAt: due });
    const blocker = await database.pool.connect();
    try {
      await blocker.query('begin');
      await blocker.query(
        'lock table graphile_worker._private_job_queues in access exclusive mode',
      );
      const stalled = await waitFor(
        async () => {
          const r = await readiness();
          return r.status === 503 ? r : undefined;
        },
        { what: 'readiness to report the stall' },
      );
      expect(stalled.body).toMatchObject({ status: 'not_ready', checks: { worker: false } });
      expect(await metric('gmail_sync_worker_stalled')).toBe(1);
      await waitFor(async () => (await metric('gmail_sync_worker_restarts_total')) >= 1, {
        what: 'a new runner started',
      });
      expect(await pings()).toBe(0);
    } finally {
      await blocker.query('commit');
      blocker.release();
    }
    await waitFor(async () => (await pings()) === 3, { what: 'the due jobs run' });
    await waitFor(async () => (await readiness()).status === 200, { what: 'ready again' });
    expect(await metric('gmail_sync_worker_stalled')).toBe(0);
  });
});
