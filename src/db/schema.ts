// The drizzle schema: the CRM's side (so the service runs alone) and the service's own tables.
// Glossary: a *mailbox* is one connected Gmail address; its *cursor* is the Gmail historyId up to
// which everything is stored; an *activity* is one logged mail; an *event* is an outbox row for the CRM.
import { createdAt, tstz } from './columns.ts';
import type { ActivityContent, Visibility } from './content-schema.ts';
import { companies, type SendAsAddress } from './linking-schema.ts';
import { pgCore, sql } from './orm.ts';

// A table module that references these tables (reconcile-schema.ts) imports this file and is not
// re-exported here, so no import cycle: drizzle-kit and database.ts read src/db/*schema.ts.
export * from './bookkeeping-schema.ts';
export * from './calendar-schema.ts';
export * from './content-schema.ts';
export * from './linking-schema.ts';
export * from './org-schema.ts';
export * from './search-schema.ts';
export * from './sequences-schema.ts';

const {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} = pgCore;

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const id = () => uuid('id').primaryKey().defaultRandom();

// ---- The CRM's side -------------------------------------------------------------------------

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    orgId: text('org_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    /** Null for the CRM's own; `gmail_sent`/`gmail_received` when created from mail (auto-contacts.ts). */
    source: text('source'),
  },
  (t) => [index('contacts_org_email_idx').on(t.orgId, sql`lower(${t.email})`)],
);

export const leads = pgTable(
  'leads',
  {
    id: id(),
    orgId: text('org_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    status: text('status').notNull().default('new'),
  },
  (t) => [index('leads_org_email_idx').on(t.orgId, sql`lower(${t.email})`)],
);

export const deals = pgTable(
  'deals',
  {
    id: id(),
    orgId: text('org_id').notNull(),
    title: text('title').notNull(),
    /** Open unless `won` or `lost`. */
    stage: text('stage').notNull().default('open'),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('deals_contact_idx').on(t.orgId, t.contactId),
    index('deals_lead_idx').on(t.orgId, t.leadId),
  ],
);

// ---- The service's side ---------------------------------------------------------------------

/** `needs_admin`: the account is out of reach for now (mailbox/revocation.ts). */
export const MAILBOX_STATUSES = [
  'active',
  'syncing',
  'error',
  'needs_admin',
  'revoked',
  'disconnected',
] as const;
export type MailboxStatus = (typeof MAILBOX_STATUSES)[number];

export interface MailboxSettings {
  excluded_labels: string[];
  blocked_domains: string[];
  blocked_addresses: string[];
  log_internal: boolean;
  /** Absent on rows written before it existed: `full`. */
  visibility?: Visibility;
  /** Mail trashed or deleted in Gmail: its activity stays (`keep`, also when absent) or goes. */
  on_gmail_delete?: 'keep' | 'remove';
}

export const mailboxes = pgTable(
  'mailboxes',
  {
    id: id(),
    orgId: text('org_id').notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name'),
    /** Lower-cased Gmail address, from users.getProfile. */
    email: text('email').notNull(),
    status: text('status').$type<MailboxStatus>().notNull().default('active'),
    connectedVia: text('connected_via').$type<'user' | 'workspace'>().notNull().default('user'),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    /** Tokens sealed by the vault: AES-256-GCM under a per-mailbox data key. */
    sealedTokens: bytea('sealed_tokens'),
    /** The data key, wrapped by KMS (or the local key); key_id names the wrapping key version. */
    wrappedKey: bytea('wrapped_key'),
    keyId: text('key_id'),
    /** Gmail historyId up to which every mail is stored: the sync cursor. */
    historyId: bigint('history_id', { mode: 'number' }),
    watchExpiresAt: tstz('watch_expires_at'),
    watchRenewedAt: tstz('watch_renewed_at'),
    lastSyncAt: tstz('last_sync_at'),
    lastFullSyncAt: tstz('last_full_sync_at'),
    lastPushAt: tstz('last_push_at'),
    /** The push before the last: two within the trailing probe's delay are a burst (queue/trailing-probe.ts). */
    previousPushAt: tstz('previous_push_at'),
    /** The highest historyId a push announced or Gmail answered with: what a poll compares to. */
    announcedHistoryId: bigint('announced_history_id', { mode: 'number' }),
    /** The last poll's check of the mailbox, and the last time one found a change no push announced. */
    checkedAt: tstz('checked_at'),
    missedPushAt: tstz('missed_push_at'),
    /** Gmail's historyId up to which a listing found nothing past the cursor (check-mailbox.ts). */
    quietHistoryId: bigint('quiet_history_id', { mode: 'number' }),
    /** Gmail refused for rate until then: the mailbox's jobs wait for it (jobs/throttled-jobs.ts). */
    throttledUntil: tstz('throttled_until'),
    lastError: text('last_error'),
    errorCount: integer('error_count').notNull().default(0),
    nextRetryAt: tstz('next_retry_at'),
    /** Disconnect could not reach Google: stop/revoke still owed. */
    pendingRevoke: boolean('pending_revoke').notNull().default(false),
    settings: jsonb('settings')
      .$type<MailboxSettings>()
      .notNull()
      .default(
        sql`'{"excluded_labels":[],"blocked_domains":[],"blocked_addresses":[],"log_internal":false}'::jsonb`,
      ),
    /** The addresses that are the owner too (aliases): refreshed at connect, with the watch, on demand. */
    sendAs: jsonb('send_as').$type<SendAsAddress[]>().notNull().default(sql`'[]'::jsonb`),
    sendAsRefreshedAt: tstz('send_as_refreshed_at'),
    connectedAt: tstz('connected_at').notNull().defaultNow(),
    disconnectedAt: tstz('disconnected_at'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // One live connection per address, and one per CRM user (not the org's); the rest is history.
    uniqueIndex('mailboxes_live_email_uq').on(t.email).where(sql`status <> 'disconnected'`),
    uniqueIndex('mailboxes_live_user_uq')
      .on(t.orgId, t.userId)
      .where(sql`status <> 'disconnected' and connected_via = 'user'`),
    index('mailboxes_org_user_idx').on(t.orgId, t.userId),
  ],
);

export const activities = pgTable(
  'activities',
  {
    id: id(),
    orgId: text('org_id').notNull(),
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id),
    gmailMessageId: text('gmail_message_id').notNull(),
    threadId: text('thread_id').notNull(),
    type: text('type').notNull().default('email'),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    emailSubject: text('email_subject').notNull(),
    emailDirection: text('email_direction').$type<'sent' | 'received'>().notNull(),
    content: jsonb('content').$type<ActivityContent>().notNull(),
    /** The mail's own date. */
    createdAt: tstz('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    createdByName: text('created_by_name').notNull(),
    loggedAt: tstz('logged_at').notNull().defaultNow(),
    /** `bounced` once Gmail's delivery-status notice for mail we sent arrives (crm/bounces.ts). */
    status: text('status').$type<'logged' | 'bounced'>().notNull().default('logged'),
  },
  (t) => [
    // One mail is one activity per mailbox: replays and the send/sync race are harmless.
    uniqueIndex('activities_mailbox_message_uq').on(t.mailboxId, t.gmailMessageId),
    index('activities_org_logged_idx').on(t.orgId, t.loggedAt),
    // GET /threads/{id} and linking a reply to its thread's records (crm/thread-links.ts).
    index('activities_thread_idx').on(t.threadId),
  ],
);

export const activityLinks = pgTable(
  'activity_links',
  {
    activityId: uuid('activity_id')
      .notNull()
      .references(() => activities.id, { onDelete: 'cascade' }),
    orgId: text('org_id').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    /** Copied from the activity so an entity's timeline is one index range scan. */
    activityCreatedAt: tstz('activity_created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.activityId, t.entityType, t.entityId] }),
    index('activity_links_entity_idx').on(
      t.orgId,
      t.entityType,
      t.entityId,
      t.activityCreatedAt.desc(),
      t.activityId.desc(),
    ),
  ],
);

/**
 * Mails their owner deleted from the CRM: never logged again for that mailbox. A trigger on
 * activities (migration 0003) refuses their insert, whatever path (sync, send, repair) tries it.
 */
export const activityTombstones = pgTable(
  'activity_tombstones',
  {
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    gmailMessageId: text('gmail_message_id').notNull(),
    orgId: text('org_id').notNull(),
    deletedBy: text('deleted_by').notNull(),
    deletedAt: tstz('deleted_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.gmailMessageId] })],
);

export const events = pgTable(
  'events',
  {
    /** Outbox order: events of one mailbox are delivered in id order. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: uuid('event_id').notNull().defaultRandom().unique(),
    orgId: text('org_id').notNull(),
    mailboxId: uuid('mailbox_id'),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
    deliveredAt: tstz('delivered_at'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at'),
    lastError: text('last_error'),
  },
  (t) => [index('events_undelivered_idx').on(t.mailboxId, t.id).where(sql`delivered_at is null`)],
);

/** Mails that failed to fetch or parse; past a limit they are dead-lettered and skipped. */
export const messageFailures = pgTable(
  'message_failures',
  {
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    gmailMessageId: text('gmail_message_id').notNull(),
    attempts: integer('attempts').notNull().default(1),
    lastError: text('last_error').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.gmailMessageId] })],
);
