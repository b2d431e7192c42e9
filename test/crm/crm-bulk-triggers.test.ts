// A CRM's bulk statement pays almost nothing for our bookkeeping (issue 28): the statement-level
// triggers on contacts, leads and companies write a few change rows of up to 1,000 ids and one job
// per org, and an update counts only the records whose address, org or company changed. What it
// costs the statement, timed side by side with our triggers disabled, is the bench's claim
// (`npm run bench -- --only crm-bulk`: 100,000 contacts); the test holds the shape that makes it so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureCrmBulk } from '../../bench/scenarios/crm-bulk.ts';
import { planRetroSearch } from '../../src/retro-search/retro-search.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const ROWS = 10_000;

describe('CRM triggers under a bulk statement', () => {
  let database: TestDatabase;
  const q = (text: string, values: unknown[] = []) => database.pool.query(text, values);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const changes = async (org: string) =>
    (
      await q(
        `select count(*)::int as rows, coalesce(sum(cardinality(entity_ids)), 0)::int as records
           from crm_entity_changes where org_id = $1`,
        [org],
      )
    ).rows[0] as { rows: number; records: number };
  const jobs = async () =>
    (
      await q(
        `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'retro_org'`,
      )
    ).rows[0].n as number;

  it('when 10,000 contacts are inserted, then all given a new address, each in one statement, then each statement writes 10 change rows and one job', async () => {
    const r = await measureCrmBulk(q, { rows: ROWS, rounds: 1 });
    const written = { changeRows: ROWS / 1000, records: ROWS, jobs: 1 };
    expect(r.afterInsert).toEqual(written);
    expect(r.afterUpdate).toEqual(written);
  }, 120_000);

  it('when an update changes no address, org or company, then nothing is written; a new company is', async () => {
    await q('truncate contacts cascade');
    await q('truncate crm_entity_changes');
    await q('delete from graphile_worker._private_jobs');
    await q(
      `insert into contacts (org_id, name, email) values ('org-same', 'Ada', 'ada@same.test'), ('org-same', 'No Mail', null)`,
    );
    await q(`insert into leads (org_id, name, email) values ('org-same', 'Lee', 'lee@same.test')`);
    await q(
      `insert into companies (org_id, name, domain) values ('org-same', 'Same', 'same.test')`,
    );
    expect(await changes('org-same')).toEqual({ rows: 3, records: 3 });
    await q('truncate crm_entity_changes');
    await q(`update contacts set name = name || '!', email = email`);
    await q(`update leads set status = 'qualified'`);
    await q(`update companies set name = 'Same Inc'`);
    await q(`update contacts set email = 'x@same.test' where email is null and false`);
    expect(await changes('org-same')).toEqual({ rows: 0, records: 0 });
    // A contact's company is what links it to a company's mail: a new one is searched.
    await q(
      `update contacts set company_id = (select id from companies where org_id = 'org-same')`,
    );
    expect(await changes('org-same')).toEqual({ rows: 1, records: 1 });
  });

  it('when rows of two orgs change in one statement, then each org gets its changes and one job', async () => {
    await q('truncate contacts cascade');
    await q('truncate crm_entity_changes');
    await q('delete from graphile_worker._private_jobs');
    await q(`insert into leads (org_id, name, email)
             select 'org-' || (i % 2), 'L' || i, 'l' || i || '@two.test' from generate_series(1, 1500) i`);
    await q(`update leads set email = 'moved.' || email where org_id = 'org-0'`);
    await q(`update companies set domain = 'other.test' where false`);
    await q(
      `insert into companies (org_id, name, domain) values ('org-1', 'C', 'c.test'), ('org-1', 'D', '')`,
    );
    await q(`update companies set org_id = 'org-0' where domain = 'c.test'`);
    expect(await changes('org-0')).toEqual({ rows: 3, records: 750 + 750 + 1 });
    expect(await changes('org-1')).toEqual({ rows: 2, records: 751 });
    expect(await jobs()).toBe(2);
  });

  it('when two planners of the org run at once over a bulk import, then each address is queued once per mailbox, and the changes are gone', async () => {
    await q('truncate contacts cascade');
    await q('truncate crm_entity_changes');
    await q('delete from graphile_worker._private_jobs');
    await q(`insert into mailboxes (org_id, user_id, email, status) values
             ('org-plan', 'u-1', 'one@vendor.test', 'active'), ('org-plan', 'u-2', 'two@vendor.test', 'active')`);
    await q(`insert into contacts (org_id, name, email)
             select 'org-plan', 'P' || i, 'p' || i || '@plan' || (i % 30) || '.test' from generate_series(1, 5000) i`);
    const deps = { db: database.db, orgRules: makeTestDeps(database).orgRules };
    // Each run takes 1,000 records and wakes the next: run until the org's changes are gone.
    const drain = async () => {
      while ((await changes('org-plan')).rows > 0) await planRetroSearch(deps, 'org-plan');
    };
    await Promise.all([drain(), drain()]);
    const { rows } = await q(`
      select payload ->> 'mailbox_id' as mailbox, count(*)::int as terms, count(distinct term)::int as distinct_terms,
             max(jsonb_array_length(payload::jsonb -> 'terms'))::int as widest
        from graphile_worker._private_jobs j, jsonb_array_elements_text(j.payload::jsonb -> 'terms') term
       where j.task_id = (select id from graphile_worker._private_tasks where identifier = 'retro_search')
       group by 1`);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.terms).toBe(5000);
      expect(r.distinct_terms).toBe(5000);
      // Two full queries a job (about 60 addresses each), not 100 terms.
      expect(r.widest).toBeGreaterThan(100);
    }
    expect(await changes('org-plan')).toEqual({ rows: 0, records: 0 });
  });
});
