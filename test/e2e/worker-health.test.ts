// A worker-only process, as production runs it (`--role worker`): its health endpoints on
// HEALTH_PORT beside a web process on the same host, a port already taken, and a database that is
// not there yet when it starts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { TASK } from '../../src/queue/job-names.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { waitFor } from '../support/wait-for.ts';

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('the worker role', () => {
  let e2e: E2E;
  const env = () => ({
    DATABASE_URL: e2e.database.url,
    GOOGLE_EMULATOR_HOST: e2e.sim.hostPort,
    PUBLIC_URL: e2e.url,
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when a worker process runs beside the web process with its own HEALTH_PORT, then it answers /readyz with its worker check and /metrics with its stall gauge there', async () => {
    const web = new URL(e2e.url);
    const healthPort = await findFreePort();
    const worker = await startService({
      role: 'worker',
      env: { ...env(), PORT: web.port, HEALTH_PORT: String(healthPort) },
    });
    try {
      const health = `http://127.0.0.1:${healthPort}`;
      const ready = await waitFor(
        async () => {
          if (worker.child.exitCode !== null) throw new Error(worker.output());
          const answer = await readyz(health);
          return answer.status === 200 && answer.body;
        },
        { timeoutMs: 30_000, what: 'the worker to answer /readyz' },
      );
      expect(ready).toEqual({
        status: 'ready',
        checks: { database: true, migrations: true, worker: true },
      });
      const metrics = await (await fetch(`${health}/metrics`)).text();
      expect(metrics).toMatch(/^gmail_sync_worker_stalled 0$/m);
      expect((await fetch(`${health}/activities`)).status).toBe(404);
      // The web process on PORT is untouched.
      expect((await readyz(e2e.url)).status).toBe(200);
    } finally {
      await worker.stop();
    }
  });

  it('when a worker is given the web process port as its HEALTH_PORT, then it stops at once with one line naming HEALTH_PORT, having taken no job', async () => {
    const job = await e2e.database.pool.query<{ id: string }>(
      `select id from graphile_worker.add_job($1, '{}'::json)`,
      [TASK.deliverEvents],
    );
    const worker = await startService({
      role: 'worker',
      env: { ...env(), HEALTH_PORT: new URL(e2e.url).port },
    });
    const code = await worker.exited;
    expect(code).toBe(1);
    const lines = worker.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gmail-sync: failed to start: HEALTH_PORT \d+ is already in use/);
    const { rows } = await e2e.database.pool.query(
      'select attempts, locked_by from graphile_worker.jobs where id = $1',
      [job.rows[0]?.id],
    );
    expect(rows).toEqual([{ attempts: 0, locked_by: null }]);
    await e2e.database.pool.query(
      'select graphile_worker.remove_job(key) from graphile_worker.jobs',
    );
  });
});

describe('a worker started while PostgreSQL is down', () => {
  let dir: string;
  let worker: ServiceProcess | undefined;
  let database: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gmail-sync-late-pg-'));
  });
  afterAll(async () => {
    await worker?.stop();
    await database?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when the database comes up after the worker, then the worker waits (alive, readyz 503), then migrates and runs jobs', async () => {
    const dbPort = await findFreePort();
    const healthPort = await findFreePort();
    const url = `postgres://postgres:postgres@127.0.0.1:${dbPort}/postgres`;
    worker = await startService({
      role: 'worker',
      env: {
        DATABASE_URL: url,
        GOOGLE_EMULATOR_HOST: '127.0.0.1:9',
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
        HEALTH_PORT: String(healthPort),
        LOG_LEVEL: 'warn',
      },
    });
    const health = `http://127.0.0.1:${healthPort}`;
    await waitFor(async () => worker?.output().includes('database unreachable; waiting for it'), {
      timeoutMs: 30_000,
      what: 'the worker to say it waits for the database',
    });
    expect(worker.child.exitCode).toBeNull();
    expect((await fetch(`${health}/healthz`)).status).toBe(200);
    expect((await readyz(health)).status).toBe(503);

    database = await startEmbeddedPostgres({ dir, port: dbPort, durable: false });
    await waitFor(async () => (await readyz(health)).status === 200, {
      timeoutMs: 60_000,
      what: 'the worker to become ready once the database is up',
    });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(
        `select id from graphile_worker.add_job($1, '{}'::json)`,
        [TASK.deliverEvents],
      );
      await waitFor(
        async () => {
          const left = await client.query('select 1 from graphile_worker.jobs where id = $1', [
            rows[0]?.id,
          ]);
          return left.rowCount === 0;
        },
        { timeoutMs: 30_000, what: 'the worker to run a job' },
      );
    } finally {
      await client.end();
    }
    expect(worker.child.exitCode).toBeNull();
  });
});
