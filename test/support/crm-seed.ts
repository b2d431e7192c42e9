// CRM rows a test needs: contacts, leads and deals of an org.

import type { Db } from '../../src/db/database.ts';
import { sql } from '../../src/db/orm.ts';

async function addPerson(
  db: Db,
  table: 'contacts' | 'leads',
  orgId: string,
  name: string,
  email: string | null,
): Promise<string> {
  const { rows } = await db.execute<{ id: string }>(
    sql`insert into ${sql.identifier(table)} (org_id, name, email) values (${orgId}, ${name}, ${email}) returning id`,
  );
  return rows[0]?.id ?? '';
}

export const addContact = (db: Db, orgId: string, name: string, email: string | null) =>
  addPerson(db, 'contacts', orgId, name, email);

export const addLead = (db: Db, orgId: string, name: string, email: string | null) =>
  addPerson(db, 'leads', orgId, name, email);

export async function addDeal(
  db: Db,
  orgId: string,
  title: string,
  opts: { stage?: string; contactId?: string; leadId?: string },
): Promise<string> {
  const { rows } = await db.execute<{ id: string }>(sql`
    insert into deals (org_id, title, stage, contact_id, lead_id)
    values (${orgId}, ${title}, ${opts.stage ?? 'open'}, ${opts.contactId ?? null}, ${opts.leadId ?? null})
    returning id`);
  return rows[0]?.id ?? '';
}
