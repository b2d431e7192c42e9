// `--wait` for one queued job of a mailbox: polls the job and the mailbox's progress until the job
// is gone (done) or has failed for good, and says which.
import type { Database } from '../db/database.ts';
import { readProgress } from '../sync/progress.ts';
import type { ProgressPrinter } from './progress-bar.ts';

export type JobEnd = { ok: true } | { ok: false; error: string };

export async function waitForJob(
  database: Database,
  jobId: string,
  mailboxId: string,
  printer: ProgressPrinter,
  opts: { pollMs?: number; timeoutMs?: number } = {},
): Promise<JobEnd> {
  const deadline = Date.now() + (opts.timeoutMs ?? 6 * 60 * 60_000);
  try {
    for (;;) {
      const { rows } = await database.pool.query<{
        attempts: number;
        max: number;
        error: string | null;
      }>(
        `select attempts, max_attempts as max, last_error as error
           from graphile_worker.jobs where id = $1`,
        [jobId],
      );
      const job = rows[0];
      if (!job) return { ok: true };
      if (job.attempts >= job.max) return { ok: false, error: job.error ?? 'failed' };
      printer.show(await readProgress(database.db, mailboxId));
      if (Date.now() > deadline) return { ok: false, error: 'still running after the timeout' };
      await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 250));
    }
  } finally {
    printer.done();
  }
}

export async function mailboxIdByEmail(database: Database, email: string): Promise<string | null> {
  const { rows } = await database.pool.query<{ id: string }>(
    `select id from mailboxes where email = $1 and status <> 'disconnected'`,
    [email.toLowerCase()],
  );
  return rows[0]?.id ?? null;
}
