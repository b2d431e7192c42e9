// Which messages of a history page are worth a `messages.get` (20 quota units under the 2026
// profile), decided from the records alone. Every message whose `messagesAdded` record the cursor
// passed was judged then (logged, skipped, or left unfetched for its labels), because the cursor
// never passes a message still pending. So a later label change can alter the verdict only by
// removing a label the label filter reads (SPAM, TRASH, DRAFT, an excluded label): mail rescued
// from spam is fetched; Gmail's IMPORTANT and CATEGORY_*, stars, archiving and filters cost nothing.
// Under `on_gmail_delete: remove`, the page also names the mail trashed (a labelsAdded TRASH record)
// or deleted in Gmail, whose activities go (gmail-removals.ts); no fetch is spent on it.
import type { gmail_v1 } from '@googleapis/gmail';
import { skippedByLabels } from '../crm/mail-filter.ts';
import type { MailboxSettings } from '../db/schema.ts';
import type { Candidate } from '../search-first/search-first.ts';

interface Seen {
  threadId: string;
  /** The message's labels as the latest record of this page shows them. */
  labelIds: string[];
  added: boolean;
  /** A label that kept it out was removed. */
  unblocked: boolean;
  deleted: boolean;
  /** In the trash after this page's records: TRASH added and not removed since. */
  trashed: boolean;
}

/** New or newly loggable messages of a page, de-duplicated, in record order; deleted ones dropped. */
export function candidates(
  records: gmail_v1.Schema$History[],
  settings: MailboxSettings,
): Candidate[] {
  return [...scan(records, settings)]
    .filter(([, s]) => !s.deleted && (s.added || s.unblocked))
    .filter(([, s]) => skippedByLabels(s.labelIds, settings) === null)
    .map(([id, s]) => ({
      id,
      threadId: s.threadId,
      labelIds: s.labelIds,
      ...(s.unblocked ? { unblocked: true } : {}),
    }));
}

export function candidateIds(
  records: gmail_v1.Schema$History[],
  settings: MailboxSettings,
): string[] {
  return candidates(records, settings).map((c) => c.id);
}

/** Under `on_gmail_delete: remove`, the messages of a page that are in the trash or deleted. */
export function removedIds(
  records: gmail_v1.Schema$History[],
  settings: MailboxSettings,
): string[] {
  if (settings.on_gmail_delete !== 'remove') return [];
  return [...scan(records, settings)].filter(([, s]) => s.deleted || s.trashed).map(([id]) => id);
}

function scan(records: gmail_v1.Schema$History[], settings: MailboxSettings): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  const note = (message: gmail_v1.Schema$Message | undefined, change: Partial<Seen>) => {
    if (!message?.id) return;
    const before = seen.get(message.id);
    seen.set(message.id, {
      threadId: message.threadId ?? before?.threadId ?? message.id,
      labelIds: message.labelIds ?? before?.labelIds ?? [],
      added: before?.added === true || change.added === true,
      unblocked: before?.unblocked === true || change.unblocked === true,
      deleted: before?.deleted === true || change.deleted === true,
      trashed: change.trashed ?? before?.trashed ?? false,
    });
  };
  for (const record of records) {
    for (const { message } of record.messagesAdded ?? []) note(message, { added: true });
    // Only TRASH matters (under `remove`): no other label added is fetched for.
    for (const { message, labelIds } of record.labelsAdded ?? []) {
      note(message, labelIds?.includes('TRASH') ? { trashed: true } : {});
    }
    for (const { message, labelIds } of record.labelsRemoved ?? []) {
      const unblocked = skippedByLabels(labelIds ?? [], settings) !== null;
      note(message, labelIds?.includes('TRASH') ? { unblocked, trashed: false } : { unblocked });
    }
    // Gone before we fetched it: nothing to fetch, and no reason to wait out a 404.
    for (const { message } of record.messagesDeleted ?? []) note(message, { deleted: true });
  }
  return seen;
}
