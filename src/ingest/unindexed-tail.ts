// Gmail's search runs on an index that can trail the mailbox (seconds, at times minutes: a message
// `messages.get` returns at once may not match any `q` yet; reported of Gmail's own search, e.g.
// github.com/anthropics/claude-code/issues/82548), so a full sync that only searched would lose the
// mail that arrived just before it. Google promises no order for `messages.list`
// (https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list says nothing of
// one), so "the newest listed" marks nothing. What is ordered is the history: `history.list`
// answers records after a start id, in increasing id (https://developers.google.com/gmail/api/guides/sync).
// So the tail is read from the history: a start id far enough back that its `messagesAdded`
// records include the arrival of every message the index knows from the last day (listed before
// the search, with `after:`), and the messages added since then that the index did not know are
// the tail, fetched like the search's results. The start is found by stepping back from the
// mailbox's current id (getProfile's, read before anything was listed), ×4 at each step, and, where
// Gmail no longer has the history that far back (404), halving between the last start it had and
// the first it had not. Each step costs a history page or two (2 units each), never a fetch per
// message; when the index knows everything, the tail is empty.
import type { gmail_v1 } from '@googleapis/gmail';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { SyncContext } from '../sync/sync-context.ts';

/** A message as a listing names it. */
export interface Listed {
  id: string;
  threadId: string;
}

/** How far back the index is compared: its lag is minutes, a day covers any tail seen. */
export const RECENT_MS = 24 * 60 * 60 * 1000;
const FIRST_STEP = 256;
const STEP_FACTOR = 4;
/** History ids a step back goes at most, and the halvings after a 404: bounded work. */
const MAX_STEP = 2 ** 32;
const MAX_HALVINGS = 12;
/** Records listed for one start at most (200 pages): a mailbox busier than that is cut short. */
const MAX_RECORDS = 100_000;
/** Labels whose mail the index leaves out of a full sync's searches and the sync never logs. */
const UNLOGGED = ['DRAFT', 'SPAM', 'TRASH'];

/** What the index knows since `since` (no drafts), with each message's thread, every page. */
export async function listIndexed(ctx: SyncContext, since: Date): Promise<Listed[]> {
  const q = `after:${Math.floor(since.getTime() / 1000)} -in:drafts`;
  const out: Listed[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await callGmail(ctx.pacer, 'messages.list', () =>
      ctx.gmail.users.messages.list({
        userId: 'me',
        q,
        maxResults: 500,
        ...(pageToken ? { pageToken } : {}),
      }),
    );
    for (const m of data.messages ?? [])
      if (m.id) out.push({ id: m.id, threadId: m.threadId ?? m.id });
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

/**
 * The messages added to the mailbox (before `cursor`, the id getProfile gave, and since) that the
 * index did not know: added since a start that predates the arrival of every id of `recent`, less
 * the ids in `known` and the drafts, spam and trash.
 */
export async function unindexedTail(
  ctx: SyncContext,
  cursor: number,
  recent: ReadonlySet<string>,
  known: ReadonlySet<string>,
): Promise<Listed[]> {
  const added = await addedSinceBefore(ctx, cursor, recent);
  return added
    .filter((m) => !known.has(m.id) && !m.labelIds.some((l) => UNLOGGED.includes(l)))
    .map(({ id, threadId }) => ({ id, threadId }));
}

type Added = Listed & { labelIds: string[] };

async function addedSinceBefore(
  ctx: SyncContext,
  cursor: number,
  recent: ReadonlySet<string>,
): Promise<Added[]> {
  let good: Added[] = [];
  let goodStep = 0;
  let step = FIRST_STEP;
  let gone: number | undefined;
  while (step <= MAX_STEP) {
    const added = await addedSince(ctx, Math.max(1, cursor - step));
    if (added === undefined) {
      gone = step;
      break;
    }
    good = added;
    goodStep = step;
    if (cursor - step <= 1 || covers(added, recent)) return good;
    step *= STEP_FACTOR;
  }
  // Gmail no longer has history that far back: the furthest start it still has.
  for (let i = 0; gone !== undefined && i < MAX_HALVINGS && gone - goodStep > 1; i++) {
    const mid = Math.floor((goodStep + gone) / 2);
    const added = await addedSince(ctx, cursor - mid);
    if (added === undefined) gone = mid;
    else {
      good = added;
      goodStep = mid;
    }
  }
  return good;
}

const covers = (added: Added[], recent: ReadonlySet<string>) => {
  const seen = new Set(added.map((m) => m.id));
  for (const id of recent) if (!seen.has(id)) return false;
  return true;
};

/** Messages added after `start`, in history order; undefined on a 404. */
async function addedSince(ctx: SyncContext, start: number): Promise<Added[] | undefined> {
  const out: Added[] = [];
  let records = 0;
  let pageToken: string | undefined;
  do {
    let data: gmail_v1.Schema$ListHistoryResponse;
    try {
      ({ data } = await callGmail(ctx.pacer, 'history.list', () =>
        ctx.gmail.users.history.list({
          userId: 'me',
          startHistoryId: String(start),
          historyTypes: ['messageAdded'],
          maxResults: 500,
          ...(pageToken ? { pageToken } : {}),
        }),
      ));
    } catch (error) {
      if (classifyGoogleError(error).kind === 'gone') return undefined;
      throw error;
    }
    for (const record of data.history ?? []) {
      records += 1;
      for (const { message } of record.messagesAdded ?? []) {
        if (!message?.id) continue;
        const labelIds = message.labelIds ?? [];
        out.push({ id: message.id, threadId: message.threadId ?? message.id, labelIds });
      }
    }
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken && records < MAX_RECORDS);
  return out;
}
