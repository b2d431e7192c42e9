// What one mailbox sync carries through its steps.
import type { Config } from '../config.ts';
import type { Timings } from '../config-timings.ts';
import type { Db } from '../db/database.ts';
import type { Gmail } from '../google/clients.ts';
import type { GmailBatch } from '../google/gmail-batch.ts';
import type { Pacer, PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import type { Metrics } from '../metrics.ts';
import type { OrgRulesSource } from '../org/org-rules.ts';
import { makeProgressTracker, type ProgressTracker } from './progress-tracker.ts';
import type { SharedStatements } from './shared-statements.ts';

/** Search before fetch (search-first/): when new mail in no logged thread is searched for. */
export interface SearchFirstOptions {
  /** How long after a mail is seen it is first searched for: Gmail's index trails delivery. */
  delayMs: number;
  /** A mail search has not found this long after it was seen concerns no one. */
  settleMs: number;
  /** A CRM whose search takes more queries is searched by the mailbox's scope (crm/mailbox-terms.ts). */
  fullCrmQueries?: number | undefined;
}

export interface SyncContext {
  db: Db;
  log: Logger;
  gmail: Gmail;
  batch?: GmailBatch | undefined;
  pacer: Pacer;
  mailbox: Mailbox;
  backfillDays: number;
  /** How far back a recovery reaches for the mail of an outage (SYNC_RETRO_DAYS); absent: backfillDays. */
  retroDays?: number | undefined;
  shared: SharedStatements;
  /** Reports a long phase's progress (status `progress`); absent where nobody watches. */
  progress?: ProgressTracker | undefined;
  /** Counts what an operator must see (dead-lettered messages); absent in tools and some tests. */
  metrics?: Pick<Metrics, 'messagesDeadLettered'> | undefined;
  /** New mail in no logged thread waits for a search before it is fetched; absent: fetch it all. */
  searchFirst?: SearchFirstOptions | undefined;
  /** The org's never_log, max_visibility and erased people: what no mailbox may log. */
  orgRules: OrgRulesSource;
  /** Gmail-shaped delays (config-timings.ts). */
  timings: Timings;
  /**
   * The job holds the mailbox's sync lock, so no other attempt on its mail is alive: its batches
   * are marked in flight, and a marker found was left by a process that died (sync/in-flight.ts).
   */
  exclusive?: boolean | undefined;
}

export type SyncConfig = Pick<Config, 'sync' | 'google'>;

/** What a job on one mailbox is given to open its context (jobs/task-list.ts builds it once). */
export interface SyncDeps {
  db: Db;
  /** Mailbox reads and cursor moves, batched across the worker's concurrent syncs. */
  shared: SharedStatements;
  log: Logger;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
  backfillDays: number;
  retroDays?: number | undefined;
  metrics?: Pick<Metrics, 'messagesDeadLettered'> | undefined;
  /** Search before fetch (search-first/search-first.ts); absent, every new mail is fetched. */
  searchFirst?: SearchFirstOptions | undefined;
  /** What no mailbox of the org may log (never_log, erased people). */
  orgRules: OrgRulesSource;
  /** Gmail-shaped delays (config-timings.ts). */
  timings: Timings;
}

/**
 * A job's context for one mailbox: its authorised Gmail client and batch endpoint, and its pacer
 * wrapped to report the job's progress. Shared by the sync and the reconciliation, the search for
 * pending mail and the audit, each opened under the mailbox's sync lock (jobs/): `exclusive`.
 */
export async function openSyncContext(
  deps: Omit<SyncDeps, 'log'>,
  mailbox: Mailbox,
  log: Logger,
): Promise<SyncContext & { progress: ProgressTracker }> {
  const access = await deps.mailboxAuth.accessFor(mailbox);
  const progress = makeProgressTracker(deps.db, mailbox.id, deps.pacers.forMailbox(mailbox.id));
  return {
    db: deps.db,
    log,
    gmail: access.gmail,
    batch: access.batch,
    pacer: progress.pacer,
    mailbox,
    backfillDays: deps.backfillDays,
    retroDays: deps.retroDays,
    shared: deps.shared,
    progress,
    metrics: deps.metrics,
    searchFirst: deps.searchFirst,
    orgRules: deps.orgRules,
    timings: deps.timings,
    exclusive: true,
  };
}
