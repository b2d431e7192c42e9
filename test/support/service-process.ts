// Runs the service as a real child process (`node src/main.ts`), for start-up and shutdown tests
// and end-to-end suites that kill and restart it.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { findFreePort } from '../../src/db/embedded-postgres.ts';
import { POOL_SIZES } from './pool-sizes.ts';
import { waitFor } from './wait-for.ts';

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

export async function startService(opts: {
  env: Record<string, string>;
  role?: 'web' | 'worker' | 'all';
  waitReady?: boolean;
  /** The entry script; test/support/service-main.ts adds the test tasks to main.ts's path. */
  entry?: string;
}): Promise<ServiceProcess> {
  // A port found free can be taken by another file's server before the child listens on it (six
  // files at once): the child exits with EADDRINUSE and is started again on another port.
  for (let attempt = 1; ; attempt++) {
    const port = Number(opts.env.PORT ?? (await findFreePort()));
    const started = spawnService(opts, port);
    try {
      if (opts.waitReady !== false && opts.role !== 'worker') await readiness(started);
      return started;
    } catch (error) {
      const taken = started.output().includes('EADDRINUSE');
      if (!taken || opts.env.PORT !== undefined || attempt === 3) throw error;
      await started.exited;
    }
  }
}

function spawnService(
  opts: { env: Record<string, string>; role?: string; entry?: string },
  port: number,
): ServiceProcess {
  const child = spawn(
    process.execPath,
    [opts.entry ?? 'src/main.ts', '--role', opts.role ?? 'all'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'info',
        MATCH_SEARCH_DELAY_MS: '200',
        DATABASE_POOL_SIZE: String(POOL_SIZES.childProcess),
        ...opts.env,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Until the child answers its own readiness (ours, not whatever else holds the port) or exits. */
async function readiness(service: ServiceProcess): Promise<void> {
  await waitFor(
    async () => {
      // Exited: done waiting, and said so below.
      if (service.child.exitCode !== null || service.child.signalCode !== null) return true;
      const res = await fetch(`${service.url}/readyz`);
      const body = (await res.json().catch(() => null)) as { status?: string } | null;
      return res.status === 200 && body?.status === 'ready';
    },
    { timeoutMs: 30_000, intervalMs: 100, what: 'service readiness' },
  );
  if (service.child.exitCode !== null || service.child.signalCode !== null)
    throw new Error(`service exited: ${service.output()}`);
}
