// What a mailbox's searches ask Gmail, so that their size follows the mailbox and not the CRM.
//
// A CRM that fits in a few queries (FULL_QUERIES) is searched whole, as before: nothing to learn,
// nothing missed. A larger one (10,000 to 1,000,000 contacts) cannot be: at about 60 addresses a
// query its search would cost more than fetching every new mail. The mailbox's search is then one
// query of two parts, either of which finds a mail:
//   - the CRM's people the mailbox exchanges mail with (the CRM's addresses ∩ the mailbox's learned
//     correspondents, crm/correspondents.ts), the CRM's company domains ∩ the domains it saw, and
//     the org's learned lists, ranked by the mailbox's traffic with them;
//   - mail from anyone but the mailbox's known non-CRM senders: `-{from:a from:b from:shop.test}`,
//     the senders (and domains of several such senders) it read often and never logged. A
//     first-ever mail from a CRM person the mailbox never exchanged with is found by this part, as
//     is every new sender's mail: fetched and judged, and its sender learned.
// What neither part sees is mail from a known non-CRM sender that names a CRM person the mailbox
// never wrote with (a colleague's first mail copying a new customer): the reconciliation asks the
// same query, so it is the audit's (search-audit/) to find, as any search miss.
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { isPlainSearchTerm } from '../google/gmail-search-terms.ts';
import {
  type CrmScope,
  type ErasedPeople,
  orgSearchTerms,
  QUERY_TERM_CHARS,
} from './crm-search.ts';
import { isFreeMailDomain } from './free-mail.ts';
import { listSenderTerms } from './list-senders.ts';
import { newSendersTerm } from './new-senders-term.ts';

/** A CRM whose terms fit in this many queries is searched whole (SEARCH_FULL_CRM_QUERIES). */
export const FULL_QUERIES = 1;
/** Characters of the new-senders part (`-{from:…}`): about 35 addresses or domains. */
const EXCLUDE_CHARS = 900;
/** A domain from which this many non-CRM senders wrote, and no logged mail, is excluded whole. */
const DOMAIN_SENDERS = 3;
/** A sender is known (its next mail not fetched) once this many of its mails were read. */
const KNOWN_AFTER = 1;
/** The correspondents a search is made from, most mail first. */
const MAX_CORRESPONDENTS = 2_000;

export interface MailboxScope extends CrmScope {
  mailbox: { id: string; orgId: string; email: string };
  orgRules: ErasedPeople;
  searchFirst?: { fullCrmQueries?: number | undefined } | undefined;
}

export interface MailboxTerms {
  /** Terms for crm-search.ts's listMatchingIds: plain terms, `from:` terms, and one `-{…}` term. */
  terms: string[];
  incomplete: boolean;
  /** Searched by the mailbox's correspondents, not the whole CRM. */
  scoped: boolean;
}

export async function mailboxSearchTerms(ctx: MailboxScope): Promise<MailboxTerms> {
  if (await crmFits(ctx)) return { ...(await orgSearchTerms(ctx)), scoped: false };
  const rules = await ctx.orgRules.forOrg(ctx.mailbox.orgId);
  const people = await correspondents(ctx);
  const crm = await inCrm(ctx, people);
  // An erased person is never named in a query, even to exclude them.
  const part = newSendersTerm(
    knownNonCrmSenders(ctx, people, crm).filter((s) => !rules.anyErased([s])),
  );
  // Nothing learned yet (a new mailbox): no search can tell, every mail is fetched and taught.
  if (!part) return { terms: [], incomplete: true, scoped: true };
  const budget = QUERY_TERM_CHARS - part.length - 1;
  const lists = await listSenderTerms(ctx.db, ctx.mailbox.orgId);
  const terms: string[] = [];
  let chars = 0;
  for (const t of [...lists, ...crmCorrespondents(people, crm)]) {
    if (t === ctx.mailbox.email || rules.anyErased([t])) continue;
    if (chars + t.length + 1 > budget) break;
    terms.push(t);
    chars += t.length + 1;
  }
  return { terms: [part, ...terms], incomplete: false, scoped: true };
}

/** Whether the org's CRM terms fit FULL_QUERIES queries; reads no more rows than that needs. */
async function crmFits(ctx: MailboxScope): Promise<boolean> {
  const max = (ctx.searchFirst?.fullCrmQueries ?? FULL_QUERIES) * QUERY_TERM_CHARS;
  // No term is shorter than 5 characters ("a.io"): past max / 6 rows it cannot fit.
  const rows = Math.ceil(max / 6) + 1;
  const { rows: r } = await ctx.db.execute<{ chars: number }>(sql`
    select coalesce(sum(length(term) + 1), 0)::int as chars from (
      (select email as term from crm_entity_emails where org_id = ${ctx.mailbox.orgId} limit ${rows})
      union all
      (select domain from crm_company_domains where org_id = ${ctx.mailbox.orgId} limit ${rows})
    ) t`);
  return (r[0]?.chars ?? 0) <= max;
}

type Correspondent = {
  address: string;
  domain: string;
  mails: number;
  crm_mails: number;
  sent: number;
};

/** The mailbox's correspondents, most mail first: bounded by the mailbox, never by the CRM. */
async function correspondents(ctx: MailboxScope): Promise<Correspondent[]> {
  const { rows } = await ctx.db.execute<Correspondent>(sql`
    select address, domain, mails, crm_mails, sent from mailbox_correspondents
     where mailbox_id = ${ctx.mailbox.id}
     order by mails desc, address limit ${MAX_CORRESPONDENTS}`);
  return rows;
}

/**
 * Which of these addresses and domains the CRM holds: looked up by value through the CRM's
 * indexes (an anti-join against the CRM's views scans a million-row CRM).
 */
async function inCrm(
  ctx: MailboxScope,
  people: Correspondent[],
): Promise<{ addresses: Set<string>; domains: Set<string> }> {
  const addresses = sqlArray(
    people.map((p) => p.address),
    'text',
  );
  const domains = sqlArray([...new Set(people.map((p) => p.domain))], 'text');
  const { rows: a } = await ctx.db.execute<{ term: string }>(sql`
    select distinct email as term from crm_entity_emails
     where org_id = ${ctx.mailbox.orgId} and email = any(${addresses})`);
  const { rows: d } = await ctx.db.execute<{ term: string }>(sql`
    select distinct domain as term from crm_company_domains
     where org_id = ${ctx.mailbox.orgId} and domain = any(${domains})`);
  return { addresses: new Set(a.map((r) => r.term)), domains: new Set(d.map((r) => r.term)) };
}

/** The CRM's addresses and company domains this mailbox exchanged mail with, most traffic first. */
function crmCorrespondents(
  people: Correspondent[],
  crm: { addresses: Set<string>; domains: Set<string> },
): string[] {
  const weights = new Map<string, number>();
  for (const p of people) {
    if (crm.addresses.has(p.address)) weights.set(p.address, p.mails);
    if (crm.domains.has(p.domain)) weights.set(p.domain, (weights.get(p.domain) ?? 0) + p.mails);
  }
  return [...weights.entries()]
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([t]) => t)
    .filter((t) => isPlainSearchTerm(t) && !(!t.includes('@') && isFreeMailDomain(t)));
}

/**
 * Senders whose mail the mailbox read and never logged, not in the CRM nor at a CRM company's
 * domain, most mail first; a domain in their place when several of them share one no logged mail
 * came from (never a free-mail domain, never the owner's). As many as EXCLUDE_CHARS holds.
 */
function knownNonCrmSenders(
  ctx: MailboxScope,
  people: Correspondent[],
  crm: { addresses: Set<string>; domains: Set<string> },
): string[] {
  const own = ctx.mailbox.email.split('@')[1] ?? '';
  const loggedDomains = new Set(people.filter((p) => p.crm_mails > 0).map((p) => p.domain));
  const rows = people
    .filter(
      (p) =>
        p.sent >= KNOWN_AFTER &&
        p.crm_mails === 0 &&
        !crm.addresses.has(p.address) &&
        !crm.domains.has(p.domain),
    )
    .map((p) => ({ ...p, crm_domain: loggedDomains.has(p.domain) }))
    .sort((x, y) => y.sent - x.sent || x.address.localeCompare(y.address));
  const byDomain = new Map<string, { senders: number; sent: number; crm: boolean }>();
  for (const r of rows) {
    const d = byDomain.get(r.domain) ?? { senders: 0, sent: 0, crm: false };
    d.senders += 1;
    d.crm ||= r.crm_domain;
    d.sent += r.sent;
    byDomain.set(r.domain, d);
  }
  const wholeDomain = (d: string) => {
    const seen = byDomain.get(d);
    return (
      d !== own && !isFreeMailDomain(d) && !seen?.crm && (seen?.senders ?? 0) >= DOMAIN_SENDERS
    );
  };
  const weighted = [
    ...[...byDomain.entries()]
      .filter(([d]) => wholeDomain(d))
      .map(([d, v]) => ({ term: d, sent: v.sent })),
    ...rows.filter((r) => !wholeDomain(r.domain)).map((r) => ({ term: r.address, sent: r.sent })),
  ]
    .filter((t) => isPlainSearchTerm(t.term))
    .sort((a, b) => b.sent - a.sent || a.term.localeCompare(b.term));
  const out: string[] = [];
  let chars = 3;
  for (const { term } of weighted) {
    if (chars + term.length + 6 > EXCLUDE_CHARS) break;
    out.push(term);
    chars += term.length + 6;
  }
  return out;
}
