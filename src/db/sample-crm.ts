// Development only (embedded PostgreSQL with the simulator): one CRM contact in the development
// org, so that the first mail `gmail-sync try-mailbox` delivers has someone to be logged against.
// In a deployment the CRM owns these tables' rows; here the service stands in for it.
import type { Db } from './database.ts';
import { sql } from './orm.ts';

export const SAMPLE_CONTACT = { name: 'Carla Client', email: 'carla@client.test' };

export async function seedSampleCrm(db: Db, orgId: string): Promise<void> {
  await db.execute(sql`
    insert into contacts (org_id, name, email)
    select ${orgId}, ${SAMPLE_CONTACT.name}, ${SAMPLE_CONTACT.email}
    where not exists (
      select 1 from contacts where org_id = ${orgId} and email = ${SAMPLE_CONTACT.email}
    )`);
}
