// One batch of Gmail ids to activities: skip what is known, fetch the rest within quota, keep the
// mails that pass the mailbox's filters and concern the CRM (a participant's record, or a thread
// already logged), store them (and, when given, move the cursor) in one statement. No message
// blocks the batch: one that cannot be parsed or stored is dead-lettered
// (activity-store/store-batch.ts), counted, and the cursor moves past it; one that kills the process
// is dead-lettered after CRASH_LIMIT deaths (sync/in-flight.ts). Mail Gmail refused to
// fetch for rate waits, with the cursor, until the time Gmail named: what was fetched is stored,
// then `MailboxThrottled` says when.

import { activityAuthor } from '../activity-store/activity-author.ts';
import { type ActivityDraft, toActivityDraft } from '../activity-store/activity-row.ts';
import {
  type DeadLetter,
  deadLetterMessages,
  reasonKind,
} from '../activity-store/dead-letter-messages.ts';
import { readOrgSettings } from '../activity-store/org-settings.ts';
import { recordSkips } from '../activity-store/skipped-messages.ts';
import { idsToSkip } from '../activity-store/store-activities.ts';
import { storeBatch } from '../activity-store/store-batch.ts';
import { createContactsFromMail } from '../crm/auto-contacts.ts';
import { noteCorrespondents } from '../crm/correspondents.ts';
import { noteListSenders } from '../crm/list-senders.ts';
import { MailboxThrottled } from '../google/gmail-errors.ts';
import { addReplyEvents, noteDeliveryReports } from '../outcomes/note-outcomes.ts';
import { fetchMessages } from './fetch-messages.ts';
import {
  CRASH_LIMIT,
  CRASH_REASON,
  clearInFlight,
  countCrashes,
  markInFlight,
} from './in-flight.ts';
import { linkMails, screenMails } from './judge-mails.ts';
import type { SyncContext } from './sync-context.ts';

/** The most mails one call fetches and holds at once: callers slice larger sets (bounded memory). */
export const STORE_SLICE = 100;

export interface BatchResult {
  fetched: number;
  logged: number;
  /** Ids that failed and must be tried again: the cursor was not moved past them. */
  pending: string[];
}

interface LogOptions {
  newMail?: boolean;
  notBefore?: Date;
}

export async function logMessages(
  ctx: SyncContext,
  ids: string[],
  cursor: number | null,
  opts: LogOptions = {},
): Promise<BatchResult> {
  const { mailbox } = ctx;
  const known = await idsToSkip(ctx.db, mailbox.id, ids);
  const toFetch = ids.filter((id) => !known.has(id));
  if (!ctx.exclusive) return logBatch(ctx, toFetch, cursor, opts);
  // The in-flight marker (sync/in-flight.ts): a message some process died on twice is
  // dead-lettered; one it died on once is tried alone, before the rest, once it has rested since
  // that death, so that a second death blames it and no other; the rest go as one batch, which
  // moves the cursor when no suspect is left waiting.
  const crashes = await countCrashes(ctx.db, mailbox.id, toFetch, ctx.timings.suspectRestMs);
  const count = (id: string) => crashes.get(id)?.crashes ?? 0;
  await deadLetterCrashed(
    ctx,
    toFetch.filter((id) => count(id) >= CRASH_LIMIT),
  );
  const suspects = toFetch.filter((id) => count(id) > 0 && count(id) < CRASH_LIMIT);
  const total: BatchResult = { fetched: 0, logged: 0, pending: [] };
  // A suspect still resting is tried later (the job's retry): pending, the cursor not past it.
  total.pending.push(...suspects.filter((id) => crashes.get(id)?.rested !== true));
  const add = (part: BatchResult) => {
    total.fetched += part.fetched;
    total.logged += part.logged;
    total.pending.push(...part.pending);
  };
  for (const id of suspects.filter((id) => crashes.get(id)?.rested === true))
    add(await logMarked(ctx, [id], null, opts));
  const clean = toFetch.filter((id) => !crashes.has(id));
  add(await logMarked(ctx, clean, total.pending.length === 0 ? cursor : null, opts));
  return total;
}

/**
 * One batch marked in flight while it is fetched, judged and stored. The store clears the markers of
 * what it stored; the rest are cleared however the batch ends, short of the process dying. A clear
 * that fails (the database gone) leaves a marker: one crash counted, a suspect, never a dead letter.
 */
async function logMarked(
  ctx: SyncContext,
  ids: string[],
  cursor: number | null,
  opts: LogOptions,
): Promise<BatchResult> {
  await markInFlight(ctx.db, ctx.mailbox.id, ids);
  try {
    return await logBatch(ctx, ids, cursor, opts);
  } finally {
    await clearInFlight(ctx.db, ctx.mailbox.id, ids).catch(() => undefined);
  }
}

/** Killed the process CRASH_LIMIT times: dead-lettered with the reason, its marker gone, counted. */
async function deadLetterCrashed(ctx: SyncContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const letters = ids.map((id) => ({ gmailMessageId: id, reason: CRASH_REASON }));
  await ctx.db.transaction(async (tx) => {
    await deadLetterMessages(tx, ctx.mailbox, letters);
    await clearInFlight(tx, ctx.mailbox.id, ids);
  });
  countDeadLetters(ctx, letters);
}

/** The fetch, the judging and the store of ids not yet known. */
async function logBatch(
  ctx: SyncContext,
  toFetch: string[],
  cursor: number | null,
  opts: LogOptions,
): Promise<BatchResult> {
  const { mailbox } = ctx;
  const fetched = await fetchMessages(ctx, toFetch);
  // A full sync's window: mail Gmail dates before it (imported, restored) is not its to log.
  const { notBefore } = opts;
  if (notBefore) fetched.mails = fetched.mails.filter((m) => m.date >= notBefore);
  // Bounces are recorded (and suppress hard-bounced addresses), never logged as activities.
  const reports = await noteDeliveryReports(ctx, fetched.mails);

  const screened = await screenMails(ctx, fetched.mails, reports);
  const { owner, eligible, index } = screened;
  await recordSkips(ctx.db, mailbox.id, fetched.mails, screened.reasons);
  const org = eligible.length > 0 ? await readOrgSettings(ctx.db, mailbox.orgId) : undefined;
  // Only mail arriving from now on makes contacts: a backfill or a search of the past would make
  // one contact's search find the next person, and so on through a year of mail.
  if (org && opts.newMail) {
    await createContactsFromMail(ctx, eligible, index, org.auto_create_contacts, owner);
  }
  const author = activityAuthor(mailbox, 'Gmail Sync', org);
  const matched = await linkMails(ctx, screened);
  const logged = matched.filter((m) => m.links.length > 0);
  const drafts: ActivityDraft[] = logged.map((m) => toActivityDraft(m.mail, author, m.links));
  // The lists that write under their own address, learned from the mail the CRM keeps.
  await noteListSenders(
    ctx.db,
    mailbox.orgId,
    logged.map((m) => m.mail),
    owner,
  );
  // Who the mailbox exchanges mail with, from every mail read here, logged or not (search-first's
  // terms: crm/mailbox-terms.ts).
  const loggedIds = new Set(logged.map((m) => m.mail.gmailId));
  await noteCorrespondents(
    ctx.db,
    mailbox.id,
    fetched.mails.map((mail) => ({ mail, logged: loggedIds.has(mail.gmailId) })),
    owner,
    await erasedCheck(ctx),
  );
  // A recipient answering mail the CRM sent: thread.replied (or message.auto_replied) with it.
  await addReplyEvents(ctx.db, mailbox.id, eligible, drafts);

  const moveCursor = cursor !== null && fetched.pending.length === 0;
  const given = [
    ...fetched.deadLettered.map((id) => ({ gmailMessageId: id, reason: 'fetch_failed' })),
    ...fetched.unparsable,
  ];
  if (drafts.length === 0) {
    if (moveCursor) await ctx.shared.moveCursor(mailbox.id, cursor);
    countDeadLetters(ctx, given);
    if (fetched.throttledUntil) throw new MailboxThrottled(fetched.throttledUntil);
    return { fetched: toFetch.length, logged: 0, pending: fetched.pending };
  }
  const stored = await storeBatch(
    ctx.db,
    mailbox,
    drafts,
    moveCursor ? { mailboxId: mailbox.id, historyId: cursor } : undefined,
  );
  countDeadLetters(ctx, [...given, ...stored.deadLettered]);
  if (fetched.throttledUntil) throw new MailboxThrottled(fetched.throttledUntil);
  return { fetched: toFetch.length, logged: stored.stored.length, pending: fetched.pending };
}

/** Whether an address was erased from the org: an erased person is remembered nowhere. */
async function erasedCheck(ctx: SyncContext): Promise<(address: string) => boolean> {
  const rules = await ctx.orgRules.forOrg(ctx.mailbox.orgId);
  return (address) => rules.anyErased([address]);
}

/** Visible without content: a metric by reason kind and a log line with counts only. */
function countDeadLetters(ctx: SyncContext, letters: DeadLetter[]): void {
  if (letters.length === 0) return;
  const byKind: Record<string, number> = {};
  for (const l of letters) byKind[reasonKind(l.reason)] = (byKind[reasonKind(l.reason)] ?? 0) + 1;
  for (const [kind, n] of Object.entries(byKind)) ctx.metrics?.messagesDeadLettered(kind, n);
  ctx.log.warn({ dead_lettered: letters.length, by_reason: byKind }, 'messages dead-lettered');
}

/** Thrown so the job queue retries later: some messages failed and the cursor stays before them. */
export class SyncIncomplete extends Error {
  override name = 'SyncIncomplete';
}
