// Linking: every participant of a batch of mails matched against the org's CRM entities in one
// query (through the crm_entity_emails view), with the open deals of matched contacts and leads,
// the companies of matched contacts, and the companies whose domain (crm_company_domains) is the
// participant's, unless that domain is free mail or one of the org's own (its mailboxes' domains).

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { isFreeMailDomain } from './free-mail.ts';
import { domainOf } from './mail-filter.ts';

/** Every kind of CRM record a mail links to: the enum of every API that names one. */
export const ENTITY_TYPES = ['contact', 'lead', 'deal', 'company'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface EntityLink {
  entityType: EntityType;
  entityId: string;
  /** The participant address the link came through ('' for a link through the mail's thread). */
  email: string;
}

/** address → the entities it links to (contacts, leads, their open deals, companies). */
export type EntityIndex = Map<string, EntityLink[]>;

type Executor = Pick<Db, 'execute'>;

export async function matchAddresses(
  db: Executor,
  orgId: string,
  emails: string[],
): Promise<EntityIndex> {
  const index: EntityIndex = new Map();
  if (emails.length === 0) return index;
  // Company domains are looked up only for addresses outside free mail.
  const byDomain = emails.filter((e) => !isFreeMailDomain(domainOf(e)));
  const { rows } = await db.execute<{
    entity_type: EntityType;
    entity_id: string;
    email: string;
  }>(sql`
    with matched as (
      select entity_type, entity_id, email from crm_entity_emails
       where org_id = ${orgId} and email = any(${sqlArray(emails, 'text')})
    ),
    own_domains as (
      select lower(split_part(m.email, '@', 2)) as domain from mailboxes m
       where m.org_id = ${orgId} and m.status <> 'disconnected'
      union
      select lower(split_part(s ->> 'email', '@', 2)) from mailboxes m, jsonb_array_elements(m.send_as) s
       where m.org_id = ${orgId} and m.status <> 'disconnected'
    ),
    by_domain as (
      select e as email, lower(split_part(e, '@', 2)) as domain
        from unnest(${sqlArray(byDomain, 'text')}) e
    )
    select entity_type, entity_id, email from matched
    union all
    select 'deal', d.id, m.email
      from matched m
      join deals d on d.org_id = ${orgId}
                  and d.stage not in ('won', 'lost')
                  and ((m.entity_type = 'contact' and d.contact_id = m.entity_id)
                    or (m.entity_type = 'lead' and d.lead_id = m.entity_id))
    union all
    select 'company', c.company_id, m.email
      from matched m
      join contacts c on m.entity_type = 'contact' and c.id = m.entity_id and c.org_id = ${orgId}
     where c.company_id is not null
    union all
    select 'company', cd.entity_id, b.email
      from by_domain b
      join crm_company_domains cd on cd.org_id = ${orgId} and cd.domain = b.domain
     where b.domain not in (select domain from own_domains)`);
  for (const row of rows) {
    const list = index.get(row.email) ?? [];
    list.push({ entityType: row.entity_type, entityId: row.entity_id, email: row.email });
    index.set(row.email, list);
  }
  return index;
}

const PRIORITY: Record<EntityType, number> = { contact: 0, lead: 1, deal: 2, company: 3 };

/** For sort: contact before lead before deal before company (a stable sort keeps the rest). */
export const byLinkPriority = (a: EntityLink, b: EntityLink): number =>
  PRIORITY[a.entityType] - PRIORITY[b.entityType];

/**
 * A mail's links, de-duplicated, primary first: contact over lead over deal over company, and within a type the
 * participant who comes first (From, then To, Cc, Bcc of the owner's sent mail, Reply-To).
 */
export function linksFor(participants: string[], index: EntityIndex): EntityLink[] {
  const seen = new Set<string>();
  const links: { link: EntityLink; order: number }[] = [];
  participants.forEach((email, order) => {
    for (const link of index.get(email) ?? []) {
      const key = `${link.entityType}:${link.entityId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      links.push({ link, order });
    }
  });
  links.sort(
    (a, b) => PRIORITY[a.link.entityType] - PRIORITY[b.link.entityType] || a.order - b.order,
  );
  return links.map((l) => l.link);
}
