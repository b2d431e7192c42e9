// The service's bookkeeping tables: per-org settings, OAuth states, idempotency keys, dead letters
// and worker leases. Re-exported by schema.ts (drizzle reads that).
import { createdAt, tstz } from './columns.ts';
import { pgCore, sql } from './orm.ts';

const {
  bigint,
  bigserial,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,

  uniqueIndex,
  uuid,
} = pgCore;

export interface OrgSettings {
  /** `on` (the default): mail classified sensitive is stored as metadata only. */
  sensitive_guard: 'on' | 'off';
  /** Contacts made from mail: never (the default), for people written to, or also for senders. */
  auto_create_contacts: 'none' | 'sent' | 'sent_and_received';
  /** Never logged in any mailbox of the org, as a mailbox's `blocked_*` (org/org-rules.ts). */
  never_log: { domains: string[]; addresses: string[] };
  /** No mailbox of the org keeps or shows more than this. */
  max_visibility: 'full' | 'subject' | 'metadata';
}

/** Per-org settings; an org without a row has the defaults. */
export const orgSettings = pgTable('org_settings', {
  orgId: text('org_id').primaryKey(),
  settings: jsonb('settings').$type<Partial<OrgSettings>>().notNull().default(sql`'{}'::jsonb`),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const oauthStates = pgTable('oauth_states', {
  /** sha256 of the state sent to Google; the state itself is never stored. */
  stateHash: text('state_hash').primaryKey(),
  orgId: text('org_id').notNull(),
  userId: text('user_id').notNull(),
  userName: text('user_name'),
  codeVerifier: text('code_verifier').notNull(),
  loginHint: text('login_hint'),
  createdAt: createdAt(),
  expiresAt: tstz('expires_at').notNull(),
  usedAt: tstz('used_at'),
});

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: text('org_id').notNull(),
    userId: text('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state').$type<'in_flight' | 'done'>().notNull().default('in_flight'),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.key] })],
);

export const deadLetters = pgTable(
  'dead_letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: text('org_id'),
    mailboxId: uuid('mailbox_id'),
    /** `pubsub` (a push we could not route) or `message` (a mail that kept failing). */
    source: text('source').notNull(),
    reason: text('reason').notNull(),
    gmailMessageId: text('gmail_message_id'),
    payload: jsonb('payload'),
    attempts: integer('attempts').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('dead_letters_message_uq')
      .on(t.mailboxId, t.gmailMessageId)
      .where(sql`gmail_message_id is not null`),
  ],
);

/**
 * Which worker process each graphile-worker worker belongs to. A live process holds a session
 * advisory lock on its `process_lock`; a lock that can be taken means the process died, and its
 * workers' jobs are unlocked at once instead of after graphile-worker's 4-hour timeout.
 */
export const workerLeases = pgTable('worker_leases', {
  workerId: text('worker_id').primaryKey(),
  processLock: bigint('process_lock', { mode: 'number' }).notNull(),
  createdAt: createdAt(),
});
