// Gmail's search runs on an index that can trail the mailbox (seconds, at times minutes or more:
// a message `messages.get` returns at once may not match any `q` yet; reported of Gmail's own
// search, e.g. github.com/anthropics/claude-code/issues/82548), while `messages.list` without `q`
// reads the mailbox itself, newest first. A full sync that only searched would lose the mail that
// arrived just before it. So before searching it asks the index for its newest messages (one list
// call, 5 units), and after searching it lists the mailbox without `q` back to the first of them:
// what comes before is the tail the index had not caught up with, fetched like the search's results
// (and filtered like them, unmatched mail skipped). Both listings run newest first, so the index's
// newest marks where the search was current.
// When the index is current the tail is empty and the whole guard costs two list calls (10 units);
// the alternative, a catch-up search scheduled after an unknown lag, would leave the mail unlogged
// for that long and spend a search per address group again.
import { callGmail } from '../google/gmail-call.ts';
import type { SyncContext } from '../sync/sync-context.ts';

/** How far back the tail is listed at most when none of the index's newest is found again. */
const MAX_TAIL = 200;
const PAGE = 100;
/** The index's newest few: the tail ends at the first still in the mailbox (one may be deleted). */
const PROBE = 5;

/** The newest messages the search index knows (the full sync's own scope: no drafts). */
export async function newestIndexedIds(ctx: SyncContext): Promise<Set<string>> {
  const { data } = await callGmail(ctx.pacer, 'messages.list', () =>
    ctx.gmail.users.messages.list({ userId: 'me', q: '-in:drafts', maxResults: PROBE }),
  );
  return new Set((data.messages ?? []).flatMap((m) => (m.id ? [m.id] : [])));
}

/** Messages newer than the index's newest in the mailbox as it is now, less those already listed. */
export async function unindexedTail(
  ctx: SyncContext,
  indexed: ReadonlySet<string>,
  listed: ReadonlySet<string>,
): Promise<string[]> {
  const tail: string[] = [];
  let seen = 0;
  let pageToken: string | undefined;
  do {
    const { data } = await callGmail(ctx.pacer, 'messages.list', () =>
      ctx.gmail.users.messages.list({
        userId: 'me',
        maxResults: PAGE,
        ...(pageToken ? { pageToken } : {}),
      }),
    );
    for (const m of data.messages ?? []) {
      if (!m.id || indexed.has(m.id)) return tail;
      seen += 1;
      if (!listed.has(m.id)) tail.push(m.id);
    }
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken && seen < MAX_TAIL);
  return tail;
}
