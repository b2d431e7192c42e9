// One batch of Gmail ids to activities: skip what is known, fetch the rest within quota, keep the
// mails that pass the mailbox's filters and concern the CRM (a participant's record, or a thread
// already logged), store them (and, when given, move the cursor) in one statement. No message
// blocks the batch: one that cannot be parsed or stored is dead-lettered
// (activity-store/store-batch.ts), counted, and the cursor moves past it. Mail Gmail refused to
// fetch for rate waits, with the cursor, until the time Gmail named: what was fetched is stored,
// then `MailboxThrottled` says when.

import { activityAuthor } from '../activity-store/activity-author.ts';
import { type ActivityDraft, toActivityDraft } from '../activity-store/activity-row.ts';
import { type DeadLetter, reasonKind } from '../activity-store/dead-letter-messages.ts';
import { readOrgSettings } from '../activity-store/org-settings.ts';
import { recordSkips } from '../activity-store/skipped-messages.ts';
import { idsToSkip } from '../activity-store/store-activities.ts';
import { storeBatch } from '../activity-store/store-batch.ts';
import { createContactsFromMail } from '../crm/auto-contacts.ts';
import { linksFor, matchAddresses } from '../crm/link-entities.ts';
import { noteListSenders } from '../crm/list-senders.ts';
import { counterparts, everyAddress, skipReason } from '../crm/mail-filter.ts';
import { mayFollowThread, threadLinks, withBatchLinks } from '../crm/thread-links.ts';
import { MailboxThrottled } from '../google/gmail-errors.ts';
import { ownerAddresses } from '../mailbox/send-as.ts';
import { withNeverLog } from '../org/org-rules.ts';
import { addReplyEvents, noteDeliveryReports } from '../outcomes/note-outcomes.ts';
import { fetchMessages } from './fetch-messages.ts';
import type { SyncContext } from './sync-context.ts';

/** The most mails one call fetches and holds at once: callers slice larger sets (bounded memory). */
export const STORE_SLICE = 100;

export interface BatchResult {
  fetched: number;
  logged: number;
  /** Ids that failed and must be tried again: the cursor was not moved past them. */
  pending: string[];
}

export async function logMessages(
  ctx: SyncContext,
  ids: string[],
  cursor: number | null,
  opts: { newMail?: boolean; notBefore?: Date } = {},
): Promise<BatchResult> {
  const { mailbox } = ctx;
  const known = await idsToSkip(ctx.db, mailbox.id, ids);
  const toFetch = ids.filter((id) => !known.has(id));
  const fetched = await fetchMessages(ctx, toFetch);
  // A full sync's window: mail Gmail dates before it (imported, restored) is not its to log.
  const { notBefore } = opts;
  if (notBefore) fetched.mails = fetched.mails.filter((m) => m.date >= notBefore);
  // Bounces are recorded (and suppress hard-bounced addresses), never logged as activities.
  const reports = await noteDeliveryReports(ctx, fetched.mails);

  const owner = ownerAddresses(mailbox);
  // The org's rules, read after the fetch and just before the store: an erasure or a never_log
  // entry made while the mail was on its way still holds.
  const rules = fetched.mails.length > 0 ? await ctx.orgRules.forOrg(mailbox.orgId) : undefined;
  const settings = rules ? withNeverLog(mailbox.settings, rules) : mailbox.settings;
  const reasons = fetched.mails.map((m) =>
    reports.has(m.gmailId)
      ? 'delivery_report'
      : rules?.anyErased(everyAddress(m))
        ? 'erased'
        : skipReason(m, owner, settings),
  );
  const eligible = fetched.mails.filter((_, i) => reasons[i] === null);
  await recordSkips(ctx.db, mailbox.id, fetched.mails, reasons);
  const people = eligible.map((m) => counterparts(m, owner).map((a) => a.email));
  const index = await matchAddresses(ctx.db, mailbox.orgId, [...new Set(people.flat())]);
  const org = eligible.length > 0 ? await readOrgSettings(ctx.db, mailbox.orgId) : undefined;
  // Only mail arriving from now on makes contacts: a backfill or a search of the past would make
  // one contact's search find the next person, and so on through a year of mail.
  if (org && opts.newMail) {
    await createContactsFromMail(ctx, eligible, index, org.auto_create_contacts, owner);
  }
  const author = activityAuthor(mailbox, 'Gmail Sync', org);
  const matched = eligible.map((mail, i) => ({
    mail,
    threadId: mail.threadId,
    links: linksFor(people[i] ?? [], index),
  }));
  // A mail that matches no one is logged when its thread is (one query, only for those mails).
  const unmatched = matched.filter((m) => m.links.length === 0 && mayFollowThread(m.mail));
  if (unmatched.length > 0) {
    const threads = [...new Set(unmatched.map((m) => m.threadId))];
    const byThread = withBatchLinks(
      await threadLinks(ctx.db, mailbox, threads),
      matched.filter((m) => m.links.length > 0),
    );
    for (const m of unmatched) m.links = byThread.get(m.threadId) ?? [];
  }
  const logged = matched.filter((m) => m.links.length > 0);
  const drafts: ActivityDraft[] = logged.map((m) => toActivityDraft(m.mail, author, m.links));
  // The lists that write under their own address, learned from the mail the CRM keeps.
  await noteListSenders(
    ctx.db,
    mailbox.orgId,
    logged.map((m) => m.mail),
    owner,
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
