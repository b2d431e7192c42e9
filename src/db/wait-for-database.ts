// Start-up while PostgreSQL is away. An orchestrator often starts the service before (or while) the
// database restarts; exiting would turn a few seconds of restart into a crash loop. So the
// migration that every process runs at start is retried, with backoff and one log line a retry,
// for as long as the failure means "unreachable" (db/database-errors.ts); anything else (a
// migration bug, a wrong password) stops start-up as before.
import type { Logger } from '../logger.ts';
import { isDatabaseUnavailable } from './database-errors.ts';
import { migrateDatabase } from './migrate.ts';

export interface WaitOptions {
  /** Aborted when the process is asked to stop while it waits. */
  signal?: AbortSignal;
  /** First and longest pause between attempts. */
  backoffMs?: { min: number; max: number };
}

const BACKOFF_MS = { min: 500, max: 10_000 };

/** Migrates the database at `url`, waiting for it to be reachable first. */
export async function migrateWhenReachable(
  url: string,
  log: Logger,
  opts: WaitOptions = {},
): Promise<void> {
  const backoff = opts.backoffMs ?? BACKOFF_MS;
  for (let attempt = 1; ; attempt += 1) {
    opts.signal?.throwIfAborted();
    try {
      await migrateDatabase(url);
      if (attempt > 1) log.info({ attempts: attempt }, 'database reachable: migrated');
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const retryInMs = Math.min(backoff.max, backoff.min * 2 ** (attempt - 1));
      log.warn(
        { attempt, retry_in_ms: retryInMs, reason: reasonOf(error) },
        'database unreachable; waiting for it',
      );
      await pause(retryInMs, opts.signal);
    }
  }
}

/** The failure's code or first line, never its parameters (see db/query-errors.ts). */
function reasonOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return code;
  return typeof message === 'string' ? (message.split('\n')[0] ?? '') : 'unknown';
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
