// A worker-only process, as production runs it (`--role worker`), answers health probes on PORT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { waitFor } from '../support/wait-for.ts';

describe('the worker role', () => {
  let e2e: E2E;
  let worker: ServiceProcess;

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
    worker = await startService({
      role: 'worker',
      env: {
        DATABASE_URL: e2e.database.url,
        GOOGLE_EMULATOR_HOST: e2e.sim.hostPort,
        PUBLIC_URL: e2e.url,
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
        LOG_LEVEL: 'warn',
      },
    });
  });
  afterAll(async () => {
    await worker.stop();
    await e2e.close();
  });

  it('when a worker process runs alone, then it answers /readyz with its worker check and /metrics with its stall gauge on PORT', async () => {
    const ready = await waitFor(
      async () => {
        if (worker.child.exitCode !== null) throw new Error(worker.output());
        const res = await fetch(`${worker.url}/readyz`);
        return res.status === 200 && ((await res.json()) as unknown);
      },
      { timeoutMs: 30_000, what: 'the worker to answer /readyz' },
    );
    expect(ready).toEqual({
      status: 'ready',
      checks: { database: true, migrations: true, worker: true },
    });
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toMatch(/^gmail_sync_worker_stalled 0$/m);
    expect((await fetch(`${worker.url}/activities`)).status).toBe(404);
  });
});
