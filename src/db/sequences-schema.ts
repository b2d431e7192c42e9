// What a CRM's sequences need (issue 25): the org's suppression list, mail scheduled for later,
// the ledger of mail the CRM sent (what replies and bounces are matched against), the delivery
// reports already handled, and the service's own generated secrets. Re-exported by schema.ts.
// `mailbox_id` columns carry no foreign key: mailboxes are never deleted (a disconnect keeps the
// row), and importing that table here would tie this file into schema.ts's import cycle.
import { createdAt, tstz } from './columns.ts';
import { pgCore, sql } from './orm.ts';

const { bigint, customType, index, integer, pgTable, primaryKey, text, uuid } = pgCore;

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export type SuppressionReason = 'hard_bounce' | 'unsubscribed' | 'manual';

/** Addresses the org never writes to again; `canonical` is what sends are compared by. */
export const suppressions = pgTable(
  'suppressions',
  {
    orgId: text('org_id').notNull(),
    /** canonical-address.ts: lower case; Gmail's dots and +tags folded for gmail.com. */
    canonical: text('canonical').notNull(),
    /** The address as first suppressed (lower case), what the API shows. */
    email: text('email').notNull(),
    reason: text('reason').$type<SuppressionReason>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.canonical] })],
);

export type ScheduledStatus = 'scheduled' | 'sending' | 'sent' | 'failed' | 'cancelled';

/**
 * A mail composed at request time and sent by the `send_scheduled` job at `next_attempt_at`.
 * `status = 'sending'` is an attempt whose outcome is not recorded: the next attempt looks the mail
 * up in Gmail before sending (scheduled/run-scheduled.ts). The composed mail is sealed (vault) and
 * dropped once the mail went, failed or was cancelled.
 */
export const scheduledSends = pgTable(
  'scheduled_sends',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: text('org_id').notNull(),
    userId: text('user_id').notNull(),
    mailboxId: uuid('mailbox_id').notNull(),
    sendAt: tstz('send_at').notNull(),
    nextAttemptAt: tstz('next_attempt_at').notNull(),
    status: text('status').$type<ScheduledStatus>().notNull().default('scheduled'),
    toAddresses: text('to_addresses').array().notNull(),
    ccAddresses: text('cc_addresses').array().notNull(),
    bccAddresses: text('bcc_addresses').array().notNull(),
    subject: text('subject').notNull(),
    /** The composed mail's Message-ID: how an attempt of unknown outcome is found in Gmail. */
    messageIdHeader: text('message_id_header').notNull(),
    /** The mail, sealed with a data key of its own (wrapped_key, key_id), the row id as AAD. */
    sealedMail: bytea('sealed_mail'),
    wrappedKey: bytea('wrapped_key'),
    keyId: text('key_id'),
    attempts: integer('attempts').notNull().default(0),
    attemptStartedAt: tstz('attempt_started_at'),
    /** The mailbox's cursor when the attempt began: history since then lists what was sent. */
    historyIdBefore: bigint('history_id_before', { mode: 'number' }),
    gmailMessageId: text('gmail_message_id'),
    threadId: text('thread_id'),
    activityId: uuid('activity_id'),
    sentAt: tstz('sent_at'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('scheduled_sends_user_idx').on(t.orgId, t.userId, t.sendAt),
    index('scheduled_sends_pending_idx')
      .on(t.mailboxId)
      .where(sql`status in ('scheduled', 'sending')`),
  ],
);

/**
 * Every mail the CRM sent (now or scheduled), with its recipients: a reply in its thread from one
 * of them is `thread.replied`; a delivery report naming it (or, failing that, its recipient) is
 * attributed to it.
 */
export const sentMail = pgTable(
  'sent_mail',
  {
    mailboxId: uuid('mailbox_id').notNull(),
    gmailMessageId: text('gmail_message_id').notNull(),
    orgId: text('org_id').notNull(),
    threadId: text('thread_id').notNull(),
    messageIdHeader: text('message_id_header'),
    /** Canonical addresses (to, cc and bcc). */
    recipients: text('recipients').array().notNull(),
    activityId: uuid('activity_id'),
    scheduledId: uuid('scheduled_id'),
    sentAt: tstz('sent_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.mailboxId, t.gmailMessageId] }),
    index('sent_mail_thread_idx').on(t.mailboxId, t.threadId),
    index('sent_mail_message_id_idx').on(t.mailboxId, t.messageIdHeader),
    index('sent_mail_recipients_idx').using('gin', t.recipients),
  ],
);

/** One row per (report, recipient) handled: a report fetched again changes nothing. */
export const deliveryReports = pgTable(
  'delivery_reports',
  {
    mailboxId: uuid('mailbox_id').notNull(),
    gmailMessageId: text('gmail_message_id').notNull(),
    recipient: text('recipient').notNull(),
    orgId: text('org_id').notNull(),
    activityId: uuid('activity_id'),
    kind: text('kind').$type<'hard' | 'soft'>().notNull(),
    status: text('status'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.gmailMessageId, t.recipient] })],
);

/** Secrets the service generates for itself, sealed by the vault (e.g. the unsubscribe key). */
export const serviceSecrets = pgTable('service_secrets', {
  name: text('name').primaryKey(),
  sealed: bytea('sealed').notNull(),
  wrappedKey: bytea('wrapped_key').notNull(),
  keyId: text('key_id').notNull(),
  createdAt: createdAt(),
});
