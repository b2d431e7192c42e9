// `--wait` for one queued job of a mailbox: polls the job and the mailbox's progress until the job
// is gone (done) or has failed for good, and says which.
import type { Database } from '../db/database.ts';
import { reconcileJobKey, syncJobKey } from '../queue/job-names.ts';
import { readCompleteness } from '../reconcile/reconcile-store.ts';
import { readProgress } from '../sync/progress.ts';
import { makeProgressPrinter, type ProgressPrinter } from './progress-bar.ts';

export type JobEnd = { ok: true } | { ok: false; error: string };

export async function waitForJob(
  database: Database,
  job: { id: string; key: string },
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
        // A job that found the mailbox busy queued itself again under its key (with a new id);
        // a later one under the same key (a reconciliation after a full sync) is not this one.
        `select attempts, max_attempts as max, last_error as error
           from graphile_worker.jobs
          where (id = $1 or key = $2) and run_at < now() + interval '1 minute'
          order by id desc limit 1`,
        [job.id, job.key],
      );
      const found = rows[0];
      if (!found) return { ok: true };
      if (found.attempts >= found.max) return { ok: false, error: found.error ?? 'failed' };
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

/** `--wait`: the job's progress (a bar on a terminal), then its outcome; a failure exits 1. */
export async function waitAndReport(
  database: Database,
  email: string,
  jobId: string,
  out: (line: string) => void,
  kind: 'sync' | 'full' | 'reconcile',
): Promise<void> {
  const mailboxId = await mailboxIdByEmail(database, email);
  if (!mailboxId) throw new Error(`no connected mailbox ${email}`);
  const key =
    kind === 'reconcile' ? reconcileJobKey(mailboxId) : syncJobKey(mailboxId, kind === 'full');
  const printer = makeProgressPrinter(process.stdout);
  const end = await waitForJob(database, { id: jobId, key }, mailboxId, printer);
  if (!end.ok) throw new Error(`job ${jobId} failed: ${end.error}`);
  if (kind !== 'reconcile') return out(`sync of ${email} finished`);
  const c = await readCompleteness(database.db, mailboxId);
  if (!c) return out(`reconciliation of ${email} finished`);
  out(
    `reconciled ${email} since ${c.window_start}: ${c.expected} expected, ${c.logged} logged, ${c.skipped} skipped, ${c.repaired} repaired, ${c.missing} missing`,
  );
}
