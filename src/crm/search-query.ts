// One Gmail search for a group of terms, every page of it, and what happens when Gmail refuses the
// query. Gmail documents no limit on `q`; the simulator (like the reports of other integrations:
// github.com/nylas/nylas-mail/issues/2234) refuses a long one with 400 "Invalid query". A refused
// group is split in halves and each searched again, so a stricter Gmail costs a few more queries
// and loses nothing; a lone term Gmail still refuses cannot be searched at all, and the caller is
// told (SearchRefused) so that it fetches the mail instead of trusting a search that never ran.
// The refusal is logged with sizes only: a term is a CRM address, never written to a log.
import type { Gmail } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';

export interface SearchCtx {
  gmail: Gmail;
  pacer: Pacer;
  log?: Pick<Logger, 'warn'> | undefined;
}

/** Some terms could not be searched even alone: what the search found without them. */
export class SearchRefused extends Error {
  override name = 'SearchRefused';
  readonly found: string[];
  readonly terms: number;
  constructor(found: string[], terms: number) {
    super(`Gmail refused the search of ${terms} term(s)`);
    this.found = found;
    this.terms = terms;
  }
}

/** The ids `query(group)` finds; refused groups split. Returns the terms refused even alone. */
export async function searchGroup(
  ctx: SearchCtx,
  query: (group: string[]) => string,
  group: string[],
  ids: Set<string>,
): Promise<number> {
  const q = query(group);
  try {
    await listAll(ctx, q, ids);
    return 0;
  } catch (error) {
    if (!isRefusedQuery(error)) throw error;
    ctx.log?.warn({ terms: group.length, query_chars: q.length }, 'search query refused');
    if (group.length === 1) return 1;
    const half = Math.ceil(group.length / 2);
    return (
      (await searchGroup(ctx, query, group.slice(0, half), ids)) +
      (await searchGroup(ctx, query, group.slice(half), ids))
    );
  }
}

async function listAll(ctx: SearchCtx, q: string, ids: Set<string>): Promise<void> {
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
    for (const m of data.messages ?? []) if (m.id) ids.add(m.id);
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
}

/** Gmail's answer to a query it will not run: 400 "Invalid query". */
function isRefusedQuery(error: unknown): boolean {
  const failure = classifyGoogleError(error);
  return (
    failure.kind === 'fatal' && failure.status === 400 && /invalid query/i.test(failure.message)
  );
}
