// What Gmail's search is asked about the CRM: the org's records' addresses and its companies'
// domains (not free mail), in groups a query can hold, over a window. Used by the full sync, the
// reconciliation and search before fetch (search-first/search-first.ts) alike, so all three expect
// the same mail.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { MailboxSettings } from '../db/schema.ts';
import {
  isPlainSearchTerm,
  MAX_TERM_CHARS,
  PLAIN_TERM_SOURCE,
} from '../google/gmail-search-terms.ts';
import { isFreeMailDomain } from './free-mail.ts';
import { isListSenderTerm, listSenderTerms } from './list-senders.ts';
import { isNewSendersTerm } from './new-senders-term.ts';
import { type SearchCtx, SearchRefused, searchGroup } from './search-query.ts';

/** Whose CRM is searched: the org's records, less the mailbox's own address. */
export interface CrmScope {
  db: Pick<Db, 'execute'>;
  mailbox: { orgId: string; email: string };
}

/**
 * Characters of terms one search query holds. Gmail documents no limit for `q`; its filters take
 * about 1,500 characters of criteria, other integrations saw long queries fail (and the simulator
 * refuses past 2,048: a refused query is split, search-query.ts), and a GET's URL stays well under
 * the front end's limits at this size. An address is a bare term, which Gmail matches as a whole
 * token in From, To, Cc and Bcc and in the subject and body (a body that quotes it costs one fetch
 * judged by the sync's rules, never a wrong activity), never in Reply-To; so a query holds about 60
 * typical addresses.
 */
export const QUERY_TERM_CHARS = 1_500;

/** Searchable Gmail terms for the org's CRM: its records' addresses and its companies' domains. */
export interface SearchTerms {
  terms: string[];
  /** Some address search cannot express (gmail-search-terms.ts): search could miss its mail. */
  incomplete: boolean;
}

const termsOf = (orgId: string) => sql`
    select email as term from crm_entity_emails where org_id = ${orgId}
    union
    select domain from crm_company_domains where org_id = ${orgId}`;

/** What a search over the CRM costs, in queries, and whether it would see all of the CRM. */
export interface SearchSize {
  queries: number;
  incomplete: boolean;
}

/** Only what the choice needs (a size), so a push to a large CRM does not read every address. */
export async function searchSize(ctx: CrmScope): Promise<SearchSize> {
  const { rows } = await ctx.db.execute<{ chars: number; unsearchable: number }>(sql`
    select coalesce(sum(length(term) + 1), 0)::int as chars,
           count(*) filter (where length(term) > ${MAX_TERM_CHARS} or term !~* ${PLAIN_TERM_SOURCE})::int as unsearchable
      from (${termsOf(ctx.mailbox.orgId)}) t`);
  const lists = await listSenderTerms(ctx.db, ctx.mailbox.orgId);
  const chars = (rows[0]?.chars ?? 0) + lists.reduce((n, t) => n + t.length + 1, 0);
  return {
    queries: Math.ceil(chars / QUERY_TERM_CHARS),
    incomplete: (rows[0]?.unsearchable ?? 0) > 0,
  };
}

/** The terms in groups of at most QUERY_TERM_CHARS characters: one query each. */
export function queryGroups(terms: string[]): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let chars = 0;
  for (const term of terms) {
    if (group.length > 0 && chars + term.length + 1 > QUERY_TERM_CHARS) {
      groups.push(group);
      group = [];
      chars = 0;
    }
    group.push(term);
    chars += term.length + 1;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** The org's rules as the terms need them (org/org-rules.ts): who was erased. */
export interface ErasedPeople {
  forOrg(orgId: string): Promise<{ anyErased(addresses: readonly string[]): boolean }>;
}

export async function orgSearchTerms(
  ctx: CrmScope & { orgRules: ErasedPeople },
): Promise<SearchTerms> {
  const { rows } = await ctx.db.execute<{ term: string }>(
    sql`select term from (${termsOf(ctx.mailbox.orgId)}) t order by 1`,
  );
  const own = ctx.mailbox.email;
  // A person erased from the org is never searched for, even while the CRM still holds a record.
  const rules = await ctx.orgRules.forOrg(ctx.mailbox.orgId);
  const wanted = rows
    .map((r) => r.term)
    .filter((t) => t !== own && !(!t.includes('@') && isFreeMailDomain(t)))
    .filter((t) => !rules.anyErased([t]));
  const terms = wanted.filter(isPlainSearchTerm);
  // Mail a list wrote under its own address names the CRM person only in Reply-To, which search
  // does not see: it is asked for by the list's address (list-senders.ts).
  const lists = await listSenderTerms(ctx.db, ctx.mailbox.orgId);
  return { terms: [...terms, ...lists], incomplete: terms.length < wanted.length };
}

/** Characters of a query spent on leaving out the mailbox's blocked addresses. */
const BLOCKED_CHARS = 400;

/**
 * ` -{from:a to:a cc:a bcc:a …}`: mail with a blocked address among its parties is never logged
 * (crm/mail-filter.ts), so its fetch would be spent for nothing. Addresses only, as parties: a bare
 * negated term would also leave out mail whose body merely names the address, and a domain
 * (`from:acme.com`) would leave out its subdomains, which a domain block does not cover. Past
 * BLOCKED_CHARS the rest are fetched and skipped, as before.
 */
function blockedPart(addresses: readonly string[]): string {
  const parts: string[] = [];
  let chars = 0;
  for (const address of addresses.map((a) => a.toLowerCase()).filter(isPlainSearchTerm)) {
    const part = ['from', 'to', 'cc', 'bcc'].map((f) => `${f}:${address}`).join(' ');
    if (chars + part.length + 1 > BLOCKED_CHARS) break;
    parts.push(part);
    chars += part.length + 1;
  }
  return parts.length === 0 ? '' : ` -{${parts.join(' ')}}`;
}

/**
 * Ids of the mails from, to or copied to any of these addresses (or domains) since `since`. A query
 * Gmail refuses is split (search-query.ts); throws SearchRefused when some term could not be
 * searched even alone.
 */
export async function listMatchingIds(
  ctx: SearchCtx & { mailbox?: { settings?: Pick<MailboxSettings, 'blocked_addresses'> } },
  addresses: string[],
  since: Date,
): Promise<string[]> {
  const after = Math.floor(since.getTime() / 1000);
  const blocked = blockedPart(ctx.mailbox?.settings?.blocked_addresses ?? []);
  const query = (group: string[]) => `after:${after} -in:drafts {${group.join(' ')}}${blocked}`;
  const ids = new Set<string>();
  let refused = 0;
  // The last guard: whatever the caller passed (a job queued before this rule), only plain terms,
  // the `from:` of a learned list and a mailbox's new-senders part (mailbox-terms.ts).
  const plain = addresses.filter(
    (t) => isPlainSearchTerm(t) || isListSenderTerm(t) || isNewSendersTerm(t),
  );
  for (const group of queryGroups(plain)) refused += await searchGroup(ctx, query, group, ids);
  if (refused > 0) throw new SearchRefused([...ids], refused);
  return [...ids];
}
