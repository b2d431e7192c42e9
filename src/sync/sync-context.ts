// What one mailbox sync carries through its steps.
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Gmail } from '../google/clients.ts';
import type { GmailBatch } from '../google/gmail-batch.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import type { Metrics } from '../metrics.ts';
import type { ProgressTracker } from './progress-tracker.ts';
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
}

export type SyncConfig = Pick<Config, 'sync' | 'google'>;
