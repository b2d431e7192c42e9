// The whole service in-process for end-to-end tests: the Google simulator, a fresh database, the
// web app on a real port with the Pub/Sub push subscription pointing at it, and a worker.
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { Timings } from '../../src/config-timings.ts';
import { findFreePort } from '../../src/db/embedded-postgres.ts';
import type { Deps } from '../../src/deps.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningService, startService } from '../../src/service.ts';
import { crmToken } from './crm-token.ts';
import { POOL_SIZES } from './pool-sizes.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { type CapturedLogs, captureLogs } from './test-deps.ts';
import { testTasks } from './test-tasks.ts';
import { testTimings } from './test-timings.ts';

export interface E2E {
  sim: Simulator;
  database: TestDatabase;
  deps: Deps;
  /** The worker role; tests stop it and start another to play a crash or a restart. */
  worker: RunningService | undefined;
  startWorker(): Promise<RunningService>;
  logs: CapturedLogs;
  url: string;
  /** fetch against the service with a CRM token for this user. */
  api(path: string, init?: RequestInit & { user?: TestUser }): Promise<Response>;
  /** Connects `email` for `user` through the real OAuth redirects; returns the callback's answer. */
  connect(user: TestUser, email: string): Promise<Response>;
  /** Delivers raw mail to a simulated mailbox (the sender's view: it arrives in INBOX). */
  deliver(
    email: string,
    raw: string,
    labelIds?: string[],
  ): Promise<{ id: string; threadId: string }>;
  simControl(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  /** Back to the suite's defaults (SUITE_FAULTS); every suite that sets faults calls it in
   * afterEach, so a failing test cannot leave its faults to the next. */
  resetFaults(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What every suite's simulator starts with and returns to: Google's defaults, less the
 * one-push-a-second cap. A test's steps come milliseconds apart, a salesperson's seconds to
 * minutes: under the cap most of a test's mail would come within a second of the push before it
 * and wait for the next push or the hourly check (a push's sync that found the mailbox quiet drops
 * its trailing probe: queue/trailing-probe.ts). The tests about the cap set it
 * (`push.per_user_per_sec: 1`): poll-checks, announced-mail, and the chaos scenarios.
 */
const SUITE_FAULTS = { push: { per_user_per_sec: 0 } };

async function putFaults(simUrl: string, extra: { reset?: boolean }): Promise<void> {
  const res = await fetch(`${simUrl}/__sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...extra, ...SUITE_FAULTS }),
  });
  if (!res.ok) throw new Error(`setting the suite's faults failed: ${res.status}`);
}

export interface TestUser {
  sub: string;
  org: string;
  name?: string;
  admin?: boolean;
}

export async function startE2E(
  opts: {
    env?: Record<string, string>;
    worker?: boolean;
    /** How far ahead send_at must be (CONTRACT.md: a minute; tests that cannot wait pass less). */
    scheduleMinLeadMs?: number;
    /** Gmail-shaped delays: test-timings.ts's short ones unless a test names its own. */
    timings?: Partial<Timings>;
  } = {},
): Promise<E2E> {
  const sim = await startSimulator({ port: 0 });
  await putFaults(sim.baseUrl, {});
  const database = await createTestDatabase();
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const loaded = loadConfig({
    DATABASE_URL: database.url,
    PORT: String(port),
    PUBLIC_URL: url,
    GOOGLE_EMULATOR_HOST: sim.hostPort,
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
    LOG_LEVEL: 'debug',
    // The simulator's search has no lag unless a test gives it one: search for new mail at once.
    MATCH_SEARCH_DELAY_MS: '200',
    ...opts.env,
  });
  const config = {
    ...loaded,
    schedule: {
      ...loaded.schedule,
      minLeadMs: opts.scheduleMinLeadMs ?? loaded.schedule.minLeadMs,
    },
    timings: { ...testTimings, ...opts.timings },
  };
  const { stream, logs } = captureLogs();
  const log = createLogger({ level: 'debug' }, stream);
  // Web and worker as production runs them: two services over one database, with a test's pools.
  const web = await startService(config, log, {
    role: 'web',
    pushBackoffS: { min: 0, max: 1 },
    poolSize: POOL_SIZES.web,
  });
  const deps = web.deps;
  const startWorkerRole = () =>
    startService(config, log, {
      role: 'worker',
      healthPort: 0,
      crontab: false,
      workerConcurrency: 4,
      poolSize: POOL_SIZES.worker,
      extraTasks: testTasks(database),
    });
  const worker = opts.worker === false ? undefined : await startWorkerRole();

  const simControl = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${sim.baseUrl}/__sim/${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  const api: E2E['api'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.user) headers.set('authorization', `Bearer ${await crmToken(init.user)}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${url}${path}`, { ...init, headers });
  };

  const e2e: E2E = {
    sim,
    database,
    deps,
    worker,
    startWorker: startWorkerRole,
    logs,
    url,
    api,
    simControl,
    async resetFaults() {
      await putFaults(sim.baseUrl, { reset: true });
    },
    async connect(user, email) {
      const res = await api(`/integrations/gmail/connect?login_hint=${encodeURIComponent(email)}`, {
        user,
      });
      const { auth_url } = (await res.json()) as { auth_url: string };
      const consent = await fetch(auth_url, { redirect: 'manual' });
      const location = consent.headers.get('location');
      if (!location)
        throw new Error(`consent did not redirect: ${consent.status} ${await consent.text()}`);
      return fetch(location, { redirect: 'manual' });
    },
    async deliver(email, raw, labelIds) {
      const res = await simControl(`mailboxes/${encodeURIComponent(email)}/deliver`, {
        body: { raw, ...(labelIds ? { labelIds } : {}) },
      });
      if (!res.ok) throw new Error(`deliver failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; threadId: string };
    },
    async close() {
      // Set E2E_LOG_DIR to keep each suite's service log for a post-mortem.
      if (process.env.E2E_LOG_DIR) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(`${process.env.E2E_LOG_DIR}/e2e-${database.name}.log`, logs.text());
      }
      await e2e.worker?.stop();
      await web.stop();
      await sim.close();
      await database.drop();
    },
  };
  return e2e;
}
