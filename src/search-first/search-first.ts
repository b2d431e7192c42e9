// Search before fetch. Under the 2026 quota profile a `messages.get` costs 20 units and a search
// (`messages.list` with `q`) 5, and most of a salesperson's mail concerns no one in the CRM. So the
// new mail a history page names is split by what the record already tells:
//   - mail in a thread this mailbox already logged is fetched at once (a reply is logged even when
//     a colleague writes it: crm/thread-links.ts), as is mail already known (our own sends);
//   - mail the user sent, when the org creates contacts from sent mail, is fetched at once: its
//     recipients need not be in the CRM yet (crm/auto-contacts.ts);
//   - mail that became loggable through a label change (rescued from Spam, untrashed, an excluded
//     label lifted) is fetched at once by its id: it may have arrived days or months before, and
//     a search looks only around the day it was seen, so it would never find it;
//   - every other mail waits in `pending_matches` until Gmail's search, asked for the CRM's
//     addresses and company domains, says whether it concerns anyone (match-pending.ts).
// The rows are written before the cursor moves past the page, so a crash loses nothing.
// A category (Promotions, Updates…) decides nothing: Gmail files CRM mail there too.
//
// One search serves every mail pending at the time, so it is asked only when it costs less than
// fetching what it would decide: its address groups × a search's units against the mails × a
// fetch's, both read from the mailbox's quota profile (google/quota-costs.ts). Under the 2025
// profile a fetch costs what a search does (5 units), so a lone new mail is fetched at once. Mail in the
// primary inbox is searched for within seconds; mail Gmail filed under a category (Promotions,
// Social, Updates, Forums) and did not mark important waits for the next search asked anyway, or
// for a settling search (`2 × settleMs` at the latest). A category decides when, never whether.

import { readOrgSettings } from '../activity-store/org-settings.ts';
import { idsToSkip } from '../activity-store/store-activities.ts';
import { queryGroups, type SearchSize } from '../crm/crm-search.ts';
import { mailboxSearchTerms } from '../crm/mailbox-terms.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';
import { enqueueMatch } from '../queue/enqueue.ts';
import type { SearchFirstOptions, SyncContext } from '../sync/sync-context.ts';
import { recordPending } from './pending-store.ts';

/**
 * A message the history names, with what the record carries besides its id
 * (ingest/history-candidates.ts reads them from a page): all search before fetch needs to decide.
 */
export interface Candidate {
  id: string;
  threadId: string;
  labelIds: string[];
  /** A label that kept it out was removed: loggable now, however old (fetched by id). */
  unblocked?: boolean;
}

/** Gmail's tabs other than Primary: mail there rides on a search asked for other mail. */
const CATEGORIES = [
  'CATEGORY_PROMOTIONS',
  'CATEGORY_SOCIAL',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
];

/** When a mail that no search has found yet wants a search of its own. */
export function lookAt(seenAt: number, labelIds: string[], options: SearchFirstOptions): number {
  const filed = labelIds.some((l) => CATEGORIES.includes(l)) && !labelIds.includes('IMPORTANT');
  return filed ? seenAt + 2 * options.settleMs : seenAt + options.delayMs;
}

/**
 * Whether one search of this size costs less than fetching `mails` messages, at the units the
 * mailbox's pacer is charged (its quota profile's).
 */
export function searchPays(size: SearchSize, mails: number, pacer: Pick<Pacer, 'cost'>): boolean {
  const search = size.queries * pacer.cost('messages.list');
  return !size.incomplete && search < mails * pacer.cost('messages.get');
}

/**
 * Splits a page's candidates into the ids to fetch now and the ones left for search, which are
 * recorded (and their search queued) before this returns.
 */
export async function deferToSearch(ctx: SyncContext, found: Candidate[]): Promise<string[]> {
  const options = ctx.searchFirst;
  const ids = found.map((c) => c.id);
  if (!options || found.length === 0) return ids;
  const terms = await mailboxSearchTerms(ctx);
  const size = { queries: queryGroups(terms.terms).length, incomplete: terms.incomplete };
  if (!searchPays(size, found.length, ctx.pacer)) return ids;
  const org = await readOrgSettings(ctx.db, ctx.mailbox.orgId);
  if (org.auto_create_contacts === 'sent_and_received') return ids;
  const fetchSent = org.auto_create_contacts === 'sent';

  const known = await idsToSkip(ctx.db, ctx.mailbox.id, ids);
  const logged = await loggedThreads(
    ctx.db,
    ctx.mailbox.id,
    found.map((c) => c.threadId),
  );
  const now: string[] = [];
  const later: Candidate[] = [];
  for (const c of found) {
    const direct =
      known.has(c.id) ||
      logged.has(c.threadId) ||
      c.unblocked === true ||
      (fetchSent && c.labelIds.includes('SENT'));
    if (direct) now.push(c.id);
    else later.push(c);
  }
  if (later.length > 0) {
    const seen = Date.now();
    const looks = later.map((c) => lookAt(seen, c.labelIds, options));
    await recordPending(ctx.db, ctx.mailbox.id, later, looks);
    await enqueueMatch(ctx.db, ctx.mailbox.id, new Date(Math.min(...looks)));
  }
  return now;
}

/** The threads among these that hold an activity of this mailbox. */
export async function loggedThreads(
  db: Pick<Db, 'execute'>,
  mailboxId: string,
  threadIds: string[],
): Promise<Set<string>> {
  if (threadIds.length === 0) return new Set();
  const { rows } = await db.execute<{ thread_id: string }>(sql`
    select distinct thread_id from activities
     where mailbox_id = ${mailboxId} and thread_id = any(${sqlArray(threadIds, 'text')})`);
  return new Set(rows.map((r) => r.thread_id));
}

/** The threads of these logged mails in this mailbox. */
export async function threadsOf(
  db: Pick<Db, 'execute'>,
  mailboxId: string,
  gmailIds: string[],
): Promise<string[]> {
  if (gmailIds.length === 0) return [];
  const { rows } = await db.execute<{ thread_id: string }>(sql`
    select distinct thread_id from activities
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${sqlArray(gmailIds, 'text')})`);
  return rows.map((r) => r.thread_id);
}
