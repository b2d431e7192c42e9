// The salesperson's day with a CRM of real size (issue 28, `--crm-size N`): N addresses in all (the
// day's 50 contacts among them) at companies of five contacts each, one domain a company (100,000
// contacts, 20,000 companies and domains), inserted in one statement each with the CRM tables'
// triggers off for the load (a bulk import's bookkeeping is another issue's; here the CRM is there
// before the mailbox connects, so there is nothing for a retroactive search to find).
import type { World } from '../world.ts';
import { CONTACTS } from './fixtures.ts';

/** Contacts a company in the seeded CRM. */
const PER_COMPANY = 5;

export async function seedCrm(world: World, org: string, size: number): Promise<void> {
  const extra = Math.max(0, size - CONTACTS.length);
  if (extra === 0) return;
  const companies = Math.max(1, Math.ceil(extra / PER_COMPANY));
  const client = await world.pool.connect();
  try {
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    await client.query(
      `insert into companies (org_id, name, domain)
       select $1, 'Company ' || i, 'co' || i || '.crm.test' from generate_series(1, $2::int) i`,
      [org, companies],
    );
    await client.query(
      `insert into contacts (org_id, name, email, company_id)
       select $1, 'Person ' || i, 'p' || i || '@co' || (1 + i % $3::int) || '.crm.test', c.id
         from generate_series(1, $2::int) i
         join companies c on c.org_id = $1 and c.domain = 'co' || (1 + i % $3::int) || '.crm.test'`,
      [org, extra, companies],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  await world.pool.query('analyze contacts; analyze companies');
}
