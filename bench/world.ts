// A running world for benchmarks and chaos scenarios: its own embedded PostgreSQL (durable, as in
// production: fsync and synchronous commit on), the Google simulator, and the service as separate
// web and worker processes (`node src/main.ts --role …`), exactly as production runs them, talking
// only over HTTP, gRPC and PostgreSQL.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { type Simulator, startSimulator } from '../sim/index.ts';
import { DEV_JWT_SECRET } from '../src/config.ts';
import {
  type EmbeddedDatabase,
  findFreePort,
  startEmbeddedPostgres,
} from '../src/db/embedded-postgres.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { makePubSub } from '../src/google/pubsub-client.ts';
import { setupPubsub } from '../src/google/pubsub-setup.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
/** As in the Dockerfile's NODE_OPTIONS. */
const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=4';

export interface World {
  sim: Simulator;
  pool: pg.Pool;
  databaseUrl: string;
  webUrl: string;
  env: Record<string, string>;
  postgres: EmbeddedDatabase;
  processes: Map<string, ChildProcess>;
  /** Each process's HTTP port (a worker serves /healthz and /metrics on its own). */
  ports: Map<string, number>;
  startRole(
    name: string,
    role: 'web' | 'worker',
    extraEnv?: Record<string, string>,
  ): Promise<ChildProcess>;
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  restartPostgres(): Promise<void>;
  /** The postmaster's pid (its backends are its children). */
  postgresPid(): number | undefined;
  token(sub: string, org: string): Promise<string>;
  connect(sub: string, org: string, email: string): Promise<void>;
  deliver(email: string, raw: string, labelIds?: string[]): Promise<{ id: string }>;
  /** Puts mail straight into the simulator's store (no HTTP): for seeding thousands at once. */
  seed(email: string, raws: string[]): string[];
  simControl(p: string, body?: unknown, method?: string): Promise<unknown>;
  /** Gmail's quota profile, the same for the simulator and the service. */
  quotaProfile: '2026' | '2025';
  /** Replaces the simulator's faults with these, keeping the world's quota profile. */
  setFaults(faults: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(
  opts: { workers?: number; env?: Record<string, string>; durable?: boolean } = {},
): Promise<World> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gmail-sync-world-'));
  const durable = opts.durable ?? true;
  let postgres = await startEmbeddedPostgres({ dir, durable });
  const pgPort = postgres.port;
  await migrateDatabase(postgres.url);
  const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
  pool.on('error', () => {});
  const sim = await startSimulator({ port: 0 });
  const webPort = await findFreePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const env: Record<string, string> = {
    DATABASE_URL: postgres.url,
    GOOGLE_EMULATOR_HOST: sim.hostPort,
    PUBLIC_URL: webUrl,
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    LOG_LEVEL: 'warn',
    // The heap flags the Dockerfile runs the service with; for profiling under a benchmark, add
    // BENCH_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=…'.
    NODE_OPTIONS: [PRODUCTION_NODE_OPTIONS, process.env.BENCH_NODE_OPTIONS ?? ''].join(' ').trim(),
    ...opts.env,
  };
  const pubsub = makePubSub({ projectId: 'sim', emulatorHost: sim.hostPort });
  await setupPubsub(pubsub, {
    topic: 'projects/sim/topics/gmail',
    pushEndpoint: `${webUrl}/pubsub/gmail`,
    audience: `${webUrl}/pubsub/gmail`,
    serviceAccount: 'gmail-push@sim.iam.gserviceaccount.com',
    minBackoffS: 0,
    maxBackoffS: 2,
  });
  await pubsub.close();

  const processes = new Map<string, ChildProcess>();
  const ports = new Map<string, number>();
  const startRole = async (
    name: string,
    role: 'web' | 'worker',
    extraEnv: Record<string, string> = {},
  ) => {
    const port = role === 'web' ? webPort : await findFreePort();
    const child = spawn(process.execPath, ['src/main.ts', '--role', role], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...env,
        ...extraEnv,
        PORT: String(port),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c) => {
      stderr = (stderr + String(c)).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0)
        process.stderr.write(`${name} exited ${code}: ${stderr.slice(-1500)}\n`);
      void signal;
    });
    processes.set(name, child);
    ports.set(name, port);
    if (role === 'web') await waitReady(`http://127.0.0.1:${port}/readyz`, child, () => stderr);
    else await new Promise((r) => setTimeout(r, 1_500));
    return child;
  };
  await startRole('web', 'web');
  for (let i = 0; i < (opts.workers ?? 1); i++) await startRole(`worker-${i}`, 'worker');

  const token = (sub: string, org: string) =>
    new SignJWT({ sub, org })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(DEV_JWT_SECRET));

  const simControl = async (p: string, body?: unknown, method?: string) => {
    const res = await fetch(`${sim.baseUrl}/__sim/${p}`, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sim ${p}: ${res.status} ${await res.text()}`);
    return res.json().catch(() => ({}));
  };

  const quotaProfile = env.GMAIL_QUOTA_PROFILE === '2025' ? '2025' : '2026';
  const setFaults = async (faults: Record<string, unknown>) => {
    await simControl('faults', { reset: true, quota_profile: quotaProfile, ...faults }, 'PUT');
  };
  await setFaults({});

  const world: World = {
    sim,
    quotaProfile,
    setFaults,
    pool,
    databaseUrl: postgres.url,
    webUrl,
    env,
    postgres,
    processes,
    ports,
    startRole,
    async kill(name, signal = 'SIGKILL') {
      const child = processes.get(name);
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
      processes.delete(name);
    },
    async restartPostgres() {
      await postgres.stop();
      await new Promise((r) => setTimeout(r, 1_000));
      postgres = await startEmbeddedPostgres({ dir, port: pgPort, durable });
      world.postgres = postgres;
    },
    postgresPid() {
      try {
        return Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      } catch {
        return undefined;
      }
    },
    token,
    async connect(sub, org, email) {
      const auth = { authorization: `Bearer ${await token(sub, org)}` };
      const res = await fetch(
        `${webUrl}/integrations/gmail/connect?login_hint=${encodeURIComponent(email)}`,
        { headers: auth },
      );
      const { auth_url } = (await res.json()) as { auth_url: string };
      const consent = await fetch(auth_url, { redirect: 'manual' });
      const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
      if (callback.status !== 200)
        throw new Error(`connect ${email}: ${callback.status} ${await callback.text()}`);
    },
    async deliver(email, raw, labelIds) {
      return (await simControl(`mailboxes/${encodeURIComponent(email)}/deliver`, {
        raw,
        ...(labelIds ? { labelIds } : {}),
      })) as { id: string };
    },
    seed(email, raws) {
      const mailbox = sim.store.ensure(email);
      return raws.map(
        (raw) =>
          sim.store.insert(mailbox, Buffer.from(raw), {
            labelIds: ['INBOX', 'UNREAD'],
            internalDate: Date.now(),
          }).id,
      );
    },
    simControl,
    async close() {
      for (const name of [...processes.keys()]) await world.kill(name, 'SIGTERM');
      await pool.end();
      await sim.close();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited: ${stderr()}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready: ${url}`);
}

/**
 * Waits until no sync job is waiting or running; with `tasks: 'all'`, until no job of any kind
 * (the CRM event delivery aside) is running or due within the next minute, so a search the service
 * queued to run again a little later (a retroactive search's second pass) is waited for too.
 * With `pending`, also until no mail waits for its search (search-first.ts), neither logged nor let
 * go yet (mail let go stays in `pending_matches` a while for its thread, with `let_go_at`): `'all'`
 * waits for every such mail, whose search may be planned up to twice MATCH_SETTLE_MS ahead (the
 * timeout must allow for that); a list of ids waits only for those.
 */
export async function quiesce(
  pool: pg.Pool,
  timeoutMs = 120_000,
  tasks: 'sync' | 'all' = 'sync',
  pending?: 'all' | string[],
): Promise<void> {
  const which =
    tasks === 'sync'
      ? `task_identifier in ('sync_mailbox','renew_watch','calendar_sync')`
      : `task_identifier <> 'deliver_events' and run_at < now() + interval '1 minute'`;
  const deadline = Date.now() + timeoutMs;
  let idleSince = 0;
  while (Date.now() < deadline) {
    const { rows } = await pool
      .query(
        `select (select count(*)::int from graphile_worker.jobs where ${which} and attempts < max_attempts)
              + (select count(*)::int from pending_matches
                  where let_go_at is null and ($1 or gmail_message_id = any($2))) as n`,
        [pending === 'all', Array.isArray(pending) ? pending : []],
      )
      .catch(() => ({ rows: [{ n: 1 }] }));
    if (rows[0].n === 0) {
      idleSince ||= Date.now();
      if (Date.now() - idleSince > 500) return;
    } else idleSince = 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('jobs did not finish in time');
}

/** Runs `fn` under these simulator faults, then back to Google's defaults whatever happens. */
export async function withFaults<T>(
  world: World,
  faults: Record<string, unknown>,
  fn: () => Promise<T>,
): Promise<T> {
  await world.simControl('faults', faults, 'PUT');
  try {
    return await fn();
  } finally {
    await world.simControl('faults', { reset: true }, 'PUT');
  }
}
