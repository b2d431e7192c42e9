// What Gmail's search is asked about the CRM: the org's records' addresses and its companies'
// domains (not free mail), in groups a query can hold, over a window. Used by the full sync, the
// reconciliation and search before fetch (search-first.ts) alike, so all three expect the same mail.
import { sql } from '../db/orm.ts';
import { callGmail } from '../google/gmail-call.ts';
import { isFreeMailDomain } from './free-mail.ts';
import type { SyncContext } from './sync-context.ts';

/** Terms per search query: Gmail's `q` has a practical length limit. */
export const ADDRESSES_PER_QUERY = 20;

/** Searchable Gmail terms for the org's CRM: its records' addresses and its companies' domains. */
export interface SearchTerms {
  terms: string[];
  /** Some address search cannot express (quotes, braces): search could miss its mail. */
  incomplete: boolean;
}

const termsOf = (orgId: string) => sql`
    select email as term from crm_entity_emails where org_id = ${orgId}
    union
    select domain from crm_company_domains where org_id = ${orgId}`;

/** Gmail's search would read quotes, braces and parentheses as syntax. */
const SEARCHABLE = /^[^\s"{}()]+$/;

/** Only what the choice needs (a count), so a push to a large CRM does not read every address. */
export async function countSearchTerms(
  ctx: Pick<SyncContext, 'db' | 'mailbox'>,
): Promise<{ count: number; incomplete: boolean }> {
  const { rows } = await ctx.db.execute<{ n: number; unsearchable: number }>(sql`
    select count(*)::int as n, count(*) filter (where term !~ ${SEARCHABLE.source})::int as unsearchable
      from (${termsOf(ctx.mailbox.orgId)}) t`);
  return { count: rows[0]?.n ?? 0, incomplete: (rows[0]?.unsearchable ?? 0) > 0 };
}

export async function orgSearchTerms(
  ctx: Pick<SyncContext, 'db' | 'mailbox'>,
): Promise<SearchTerms> {
  const { rows } = await ctx.db.execute<{ term: string }>(
    sql`select term from (${termsOf(ctx.mailbox.orgId)}) t order by 1`,
  );
  const own = ctx.mailbox.email;
  const wanted = rows
    .map((r) => r.term)
    .filter((t) => t !== own && !(!t.includes('@') && isFreeMailDomain(t)));
  const terms = wanted.filter((t) => SEARCHABLE.test(t));
  return { terms, incomplete: terms.length < wanted.length };
}

/** Ids of the mails from, to or copied to any of these addresses (or domains) since `since`. */
export async function listMatchingIds(
  ctx: SyncContext,
  addresses: string[],
  since: Date,
): Promise<string[]> {
  const after = Math.floor(since.getTime() / 1000);
  const ids = new Set<string>();
  for (let i = 0; i < addresses.length; i += ADDRESSES_PER_QUERY) {
    const group = addresses.slice(i, i + ADDRESSES_PER_QUERY);
    const terms = group.flatMap((a) => [`from:${a}`, `to:${a}`, `cc:${a}`]).join(' ');
    const q = `after:${after} -in:drafts {${terms}}`;
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
  return [...ids];
}
