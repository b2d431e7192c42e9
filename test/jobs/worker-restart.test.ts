// A database restart, as the worker sees it: PostgreSQL ends every session (here with
// pg_terminate_backend, which is what a restart does to each connection).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTaskList } from '../../src/jobs/task-list.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { RESTART_GRACE_MS, reapDeadWorkers } from '../../src/jobs/worker-liveness.ts';
import { addJob } from '../../src/queue/enqueue.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';
import { testTasks } from '../support/test-tasks.ts';
import { waitFor } from '../support/wait-for.ts';

describe('the worker after PostgreSQL ends its sessions', () => {
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

  const pings = async (note: string): Promise<number> => {
    const { rows } = await database.pool.query(
      `select count(*)::int as n from events where type = 'worker.ping' and payload->>'note' = $1`,
      [note],
    );
    return rows[0].n;
  };
  /** The sessions holding a worker lease lock in this database. */
  const leaseHolders = async (): Promise<number[]> => {
    const { rows } = await database.pool.query(
      `select pid from pg_locks
        where locktype = 'advisory' and classid = 4712 and granted
          and database = (select oid from pg_database where datname = current_database())`,
    );
    return rows.map((r) => r.pid);
  };

  it('when every connection is terminated mid-job, then the worker keeps its lease, another process does not reap its running job, and new jobs run', async () => {
    await addJob(database.db, 'ping', { note: 'in flight', delay_ms: 2_500 });
    await waitFor(async () => {
      const { rows } = await database.pool.query(
        `select 1 from graphile_worker.jobs where task_identifier = 'ping' and locked_at is not null`,
      );
      return rows.length > 0;
    });
    const before = await leaseHolders();
    expect(before).toHaveLength(1);
    await database.pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    // pg_terminate_backend only signals: wait for the lock to be held again, by a new session.
    await waitFor(
      async () => {
        const now = await leaseHolders();
        return now.length === 1 && now[0] !== before[0];
      },
      { what: 'the lease taken again on a new session' },
    );
    // And every worker of this process recorded under the lock now held (the lease records them
    // again after taking its lock: a reaper looking in between would see a free lock).
    await waitFor(
      async () => {
        const { rows } = await database.pool.query(
          `select count(*)::int as n from worker_leases w
            where not exists (select 1 from pg_locks l
                               where l.locktype = 'advisory' and l.classid = 4712 and l.granted
                                 and l.objid = w.process_lock::oid)`,
        );
        return rows[0].n === 0;
      },
      { what: 'the workers recorded under the new lock' },
    );
    // What another worker process's start-up or poll does: it must see this process as alive.
    expect(await reapDeadWorkers(database.pool)).toBe(0);
    const { rows: running } = await database.pool.query(
      `select locked_by from graphile_worker.jobs where task_identifier = 'ping'`,
    );
    expect(running).toEqual([{ locked_by: expect.any(String) }]);

    for (let i = 0; i < 5; i++) await addJob(database.db, 'ping', { note: 'after' });
    await waitFor(async () => (await pings('after')) === 5, {
      what: 'jobs added after the restart',
    });
    await waitFor(async () => (await pings('in flight')) === 1, { what: 'the running job' });
    expect(await pings('in flight')).toBe(1);
  });
});

describe('the worker when its runner stops on its own', () => {
  let database: TestDatabase;
  let worker: Worker;

  beforeAll(async () => {
    database = await createTestDatabase();
    const deps = makeTestDeps(database);
    worker = await startWorker(deps, { taskList: testTasks(database) });
  });
  afterAll(async () => {
    await worker.stop();
    await database.drop();
  });

  it('when graphile-worker shuts its runner down unasked, then a new runner takes the jobs', async () => {
    const first = worker.runner();
    // What graphile-worker does itself when returning or completing jobs keeps failing.
    await first.stop();
    await addJob(database.db, 'ping', { note: 'after the runner ended' });
    await waitFor(async () => {
      const { rows } = await database.pool.query(
        `select count(*)::int as n from events where type = 'worker.ping'`,
      );
      return rows[0].n === 1;
    });
    expect(worker.runner()).not.toBe(first);
    expect(worker.health().restarts).toBe(1);
  });
});

describe('reaping after a worker killed while it started', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('when a job has been locked for minutes by a worker no lease records, then the reaper unlocks it; a fresh lock is left alone', async () => {
    const old = await addJob(database.db, 'ping', { note: 'orphan' });
    const fresh = await addJob(database.db, 'ping', { note: 'starting' });
    await database.pool.query(
      `update graphile_worker._private_jobs
          set locked_by = case when id = $1 then 'pool-killed' else 'pool-starting' end,
              locked_at = case when id = $1 then now() - interval '5 minutes' else now() end
        where id = any(array[$1, $2]::bigint[])`,
      [old, fresh],
    );
    await reapDeadWorkers(database.pool);
    const { rows } = await database.pool.query(
      'select id::text, locked_by from graphile_worker._private_jobs order by id',
    );
    expect(rows).toEqual([
      { id: old, locked_by: null },
      { id: fresh, locked_by: 'pool-starting' },
    ]);
  });
});

describe('reaping right after this process saw a restart', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('when this process had to take its own lease again under a minute ago, then it takes no one for dead; later it reaps the process whose lock stays free', async () => {
    // A process that recorded its worker and whose lock is free: dead, or still reconnecting.
    const job = await addJob(database.db, 'ping', { note: 'running elsewhere' });
    await database.pool.query(
      `insert into worker_leases (worker_id, process_lock) values ('pool-elsewhere', 99)`,
    );
    await database.pool.query(
      `update graphile_worker._private_jobs set locked_by = 'pool-elsewhere', locked_at = now()
        where id = $1`,
      [job],
    );
    const lockedBy = async () =>
      (
        await database.pool.query(
          'select locked_by from graphile_worker._private_jobs where id = $1',
          [job],
        )
      ).rows[0]?.locked_by;

    expect(await reapDeadWorkers(database.pool, { ownLeaseRenewedAt: Date.now() - 5_000 })).toBe(0);
    expect(await lockedBy()).toBe('pool-elsewhere');

    const longAgo = Date.now() - RESTART_GRACE_MS - 1_000;
    expect(await reapDeadWorkers(database.pool, { ownLeaseRenewedAt: longAgo })).toBe(1);
    expect(await lockedBy()).toBeNull();
  });
});
