// What one mailbox sync carries through its steps.
import type { Config } from '../config.ts';
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
import type { SearchFirstOptions } from './search-first.ts';
import type { SharedStatements } from './shared-statements.ts';

export interface SyncContext {
  db: Db;
  log: Logger;
  gmail: Gmail;
  batch?: GmailBatch | undefined;
  pacer: Pacer;
  mailbox: Mailbox;
  backfillDays: number;
  shared: SharedStatements;
  /** Reports a long phase's progress (status `progress`); absent where nobody watches. */
  progress?: ProgressTracker | undefined;
  /** Counts what an operator must see (dead-lettered messages); absent in tools and some tests. */
  metrics?: Pick<Metrics, 'messagesDeadLettered'> | undefined;
  /** New mail in no logged thread waits for a search before it is fetched; absent: fetch it all. */
  searchFirst?: SearchFirstOptions | undefined;
  /** The org's never_log, max_visibility and erased people: what no mailbox may log. */
  orgRules: OrgRulesSource;
}

export type SyncConfig = Pick<Config, 'sync' | 'google'>;

/**
 * A job's context for one mailbox: its authorised Gmail client and batch endpoint, and its pacer
 * wrapped to report the job's progress. Shared by the sync and the reconciliation.
 */
export async function openSyncContext(
  deps: {
    db: Db;
    shared: SharedStatements;
    mailboxAuth: MailboxAuth;
    pacers: PacerRegistry;
    backfillDays: number;
    metrics?: Pick<Metrics, 'messagesDeadLettered'> | undefined;
    searchFirst?: SearchFirstOptions | undefined;
    orgRules: OrgRulesSource;
  },
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
    shared: deps.shared,
    progress,
    metrics: deps.metrics,
    searchFirst: deps.searchFirst,
    orgRules: deps.orgRules,
  };
}
