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
  const port = Number(opts.env.PORT ?? (await findFreePort()));
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
  const url = `http://127.0.0.1:${port}`;
  if (opts.waitReady !== false && opts.role !== 'worker') {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`service exited: ${output}`);
        const res = await fetch(`${url}/readyz`);
        return res.status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'service readiness' },
    );
  }
  return {
    child,
    url,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
