// Linking: every participant of a batch of mails matched against the org's CRM entities in one
// query (through the crm_entity_emails view), with the open deals of matched contacts and leads.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';

export type EntityType = 'contact' | 'lead' | 'deal';

export interface EntityLink {
  entityType: EntityType;
  entityId: string;
  /** The participant address the link came through. */
  email: string;
}

/** address → the entities it links to (contacts, leads, and their open deals). */
export type EntityIndex = Map<string, EntityLink[]>;

type Executor = Pick<Db, 'execute'>;

export async function matchAddresses(
  db: Executor,
  orgId: string,
  emails: string[],
): Promise<EntityIndex> {
  const index: EntityIndex = new Map();
  if (emails.length === 0) return index;
  const { rows } = await db.execute<{
    entity_type: EntityType;
    entity_id: string;
    email: string;
  }>(sql`
    with matched as (
      select entity_type, entity_id, email from crm_entity_emails
       where org_id = ${orgId} and email = any(${`{${emails.map(quoteArrayItem).join(',')}}`}::text[])
    )
    select entity_type, entity_id, email from matched
    union all
    select 'deal', d.id, m.email
      from matched m
      join deals d on d.org_id = ${orgId}
                  and d.stage not in ('won', 'lost')
                  and ((m.entity_type = 'contact' and d.contact_id = m.entity_id)
                    or (m.entity_type = 'lead' and d.lead_id = m.entity_id))`);
  for (const row of rows) {
    const list = index.get(row.email) ?? [];
    list.push({ entityType: row.entity_type, entityId: row.entity_id, email: row.email });
    index.set(row.email, list);
  }
  return index;
}

const PRIORITY: Record<EntityType, number> = { contact: 0, lead: 1, deal: 2 };

/**
 * A mail's links, de-duplicated, primary first: contact over lead over deal, and within a type the
 * participant who comes first (From, then To, Cc, Reply-To).
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

/** A PostgreSQL array literal element: quoted, with quotes and backslashes escaped. */
function quoteArrayItem(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
