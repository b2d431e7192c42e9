// A CRM's bulk import gets its history the way one record does, batched and paced (issue 28): one
// statement inserting 2,000 contacts writes two change rows and one job; the retroactive search asks
// Gmail about many addresses a query, one job at a time per mailbox; and a worker stopped mid-way
// loses nothing: another worker logs every mail, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { waitForJobs } from '../support/linking-e2e.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { callsOf } from './mailbox-fixture.ts';

const ORG = 'org-retro-bulk';
const user = { sub: 'rep-bulk', org: ORG, name: 'Rep Bulk' };
const OWNER = 'rep@vendor-bulk.test';
const DAY = 24 * 60 * 60 * 1000;
const CONTACTS = 2_000;
/** Contacts whose mail arrived before the import, spread over the whole import. */
const WITH_MAIL = [5, 250, 640, 999, 1001, 1370, 1777, 1998];
const address = (i: number) => `person${i}@bulk${i % 40}.test`;

describe('history for a bulk import', () => {
  let e2e: E2E;
  const mailIds: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E();
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    await waitForJobs(e2e);
    for (const i of [...WITH_MAIL, 5_000]) {
      const raw = rawMail({ from: address(i), to: OWNER, date: new Date(Date.now() - 3 * DAY) });
      const { id } = await e2e.deliver(OWNER, raw);
      const stored = e2e.sim.store.get(OWNER)?.messages.get(id);
      if (!stored) throw new Error(`no simulated message ${id}`);
      stored.internalDate = Date.now() - 3 * DAY;
      if (i !== 5_000) mailIds.push(id);
    }
    await e2e.api('/integrations/gmail/sync', { method: 'POST', body: '{}', user });
    await waitForJobs(e2e);
    expect(await logged()).toBe(0);
  });
  afterAll(async () => {
    await e2e.resetFaults();
    await e2e.close();
  });

  async function retroSearchesLeft(): Promise<number> {
    const { rows } = await e2e.database.pool.query(
      `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'retro_search'`,
    );
    return rows[0].n;
  }

  async function logged(): Promise<number> {
    const { rows } = await e2e.database.pool.query(
      'select count(*)::int as n from activities where gmail_message_id = any($1)',
      [mailIds],
    );
    return rows[0].n;
  }

  it('when 2,000 contacts are inserted in one statement and the worker stops mid-way, then every mail is logged once, searched in batches', async () => {
    await e2e.worker?.stop();
    e2e.worker = undefined;
    const pool = e2e.database.pool;
    await pool.query(
      `insert into contacts (org_id, name, email)
       select $1, 'Person ' || i, 'person' || i || '@bulk' || (i % 40) || '.test'
         from generate_series(1, $2) i`,
      [ORG, CONTACTS],
    );
    const { rows: changes } = await pool.query(
      'select cardinality(entity_ids) as n from crm_entity_changes where org_id = $1',
      [ORG],
    );
    expect(changes.map((c) => c.n)).toEqual([1000, 1000]);
    const { rows: jobs } = await pool.query(
      `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'retro_org'`,
    );
    expect(jobs[0].n).toBe(1);
    const listsBefore = (await callsOf(e2e, OWNER))['messages.list'] ?? 0;

    // Slow Gmail down so that the worker is stopped with searches still to run.
    await e2e.simControl('faults', { method: 'PUT', body: { latency_ms: 150 } });
    e2e.worker = await e2e.startWorker();
    await waitFor(async () => (await logged()) > 0, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: 'the first mail of the import',
    });
    await e2e.worker.stop();
    e2e.worker = undefined;
    // Mid-way: searches of the import were still to run when the worker stopped (how much mail
    // they had logged by then depends on the machine's speed).
    expect(await retroSearchesLeft()).toBeGreaterThan(0);

    await e2e.resetFaults();
    e2e.worker = await e2e.startWorker();
    await waitFor(async () => (await logged()) === WITH_MAIL.length, {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: 'every mail of the import',
    });
    await waitForJobs(e2e, undefined, 120_000);
    expect(await logged()).toBe(WITH_MAIL.length);
    const { rows: left } = await pool.query(
      'select count(*)::int as n from crm_entity_changes where org_id = $1',
      [ORG],
    );
    expect(left[0].n).toBe(0);
    // 2,000 addresses asked about in a few dozen queries, not 2,000 (a stopped job's run again).
    const lists = ((await callsOf(e2e, OWNER))['messages.list'] ?? 0) - listsBefore;
    expect(lists).toBeGreaterThanOrEqual(CONTACTS / 100);
    expect(lists).toBeLessThan(CONTACTS / 20);
  }, 240_000);
});
