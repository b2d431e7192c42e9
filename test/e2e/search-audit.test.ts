// The audit of what Gmail's search let go (issue 22): a random share of the let-go mail is read
// with format=metadata and judged by the sync's own rules; a miss is logged and widens the look to
// the rest of the window. On the simulator, whose search (as Gmail's) does not index Reply-To:
// mail from a Google Group that rewrote From, the CRM's contact only in Reply-To, is mail the sync
// logs and search never finds.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollCycle } from '../../src/ingest/poll.ts';
import { makeSyncDeps } from '../../src/jobs/sync-deps.ts';
import { runAudit } from '../../src/search-audit/audit-mailbox.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { callsOf, loggedCount, waitForIdle } from './mailbox-fixture.ts';

const ORG = 'org-search-audit';
const ANA = 'ana@client.test';
const BRUNO = 'bruno@client.test';
/** Below the daily minimum for populations under 20, above it past: both are tried. */
const RATE = 0.25;

interface Audit {
  sampled: number;
  missed: number;
  miss_rate: number | null;
  checked_at: string;
}

/**
 * A Google Group's copy under strict DMARC: From rewritten to the group, the writer in Reply-To.
 * Once the org has logged a group's post it asks for that group's mail by address (search-first/),
 * so each test writes from a group of its own.
 */
const groupMail = (owner: string, writer: string, n: number, group = 'vendas') =>
  rawMail({
    from: `"Ana via Vendas" <${group}@groups.partner.test>`,
    to: owner,
    subject: `Pedido ${n}`,
    body: 'Segue o pedido.',
    headers: {
      'Reply-To': writer,
      'List-Id': `Vendas <${group}.groups.partner.test>`,
      'X-Google-Group-Id': '881234567',
    },
  });
const noise = (owner: string, n: number) =>
  rawMail({ from: `news${n}@shop.test`, to: owner, subject: `Sale ${n}`, body: 'Offers.' });

describe('the audit of mail search let go', () => {
  let e2e: E2E;
  let seq = 0;
  let anaId = '';

  beforeAll(async () => {
    e2e = await startE2E({ env: { MATCH_SETTLE_MS: '1000', AUDIT_SAMPLE_RATE: String(RATE) } });
    anaId = await addContact(e2e.deps.database.db, ORG, 'Ana Cliente', ANA);
    await addContact(e2e.deps.database.db, ORG, 'Bruno Cliente', BRUNO);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const connect = async (): Promise<{ owner: string; user: TestUser }> => {
    seq += 1;
    const user = { sub: `u-audit-${seq}`, org: ORG, name: 'Rep' };
    const owner = `audit-${seq}@vendor.test`;
    expect((await e2e.connect(user, owner)).status).toBe(200);
    await waitForIdle(e2e);
    return { owner, user };
  };
  const deliverAll = async (owner: string, raws: string[]) => {
    const ids: string[] = [];
    for (const raw of raws) ids.push((await e2e.deliver(owner, raw)).id);
    return ids;
  };
  /** Search asked long enough and did not find them: every one let go. */
  const letGo = (owner: string, ids: string[]) =>
    waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query<{ n: number }>(
          `select count(*)::int as n from pending_matches p join mailboxes m on m.id = p.mailbox_id
            where m.email = $1 and p.let_go_at is not null and p.gmail_message_id = any($2)`,
          [owner, ids],
        );
        return rows[0]?.n === ids.length;
      },
      { timeoutMs: 20_000, what: `${ids.length} mails let go` },
    );
  const status = async (user: TestUser) =>
    (await (await e2e.api('/integrations/gmail/status', { user })).json()) as {
      completeness: { checked_at: string; audit: Audit | null } | null;
    };
  const auditRuns = async (owner: string) => {
    const { rows } = await e2e.database.pool.query<{ n: number }>(
      `select count(*)::int as n from search_audits a join mailboxes m on m.id = a.mailbox_id
        where m.email = $1`,
      [owner],
    );
    return rows[0]?.n ?? 0;
  };
  /** Asks for a reconciliation as the CRM does; waits for the audit it runs. */
  const reconcile = async (owner: string, user: TestUser): Promise<Audit> => {
    const runs = await auditRuns(owner);
    const res = await e2e.api('/integrations/gmail/sync', {
      user,
      method: 'POST',
      body: JSON.stringify({ reconcile: true }),
    });
    expect(res.status).toBe(202);
    await waitFor(async () => (await auditRuns(owner)) > runs, {
      timeoutMs: 20_000,
      what: 'the audit the reconciliation runs',
    });
    const audit = (await status(user)).completeness?.audit;
    if (!audit) throw new Error('status shows no audit');
    return audit;
  };
  const missedEvents = async (owner: string) => {
    const { rows } = await e2e.database.pool.query<{ payload: Record<string, unknown> }>(
      `select e.payload from events e join mailboxes m on m.id = e.mailbox_id
        where m.email = $1 and e.type = 'mailbox.search_missed' order by e.id`,
      [owner],
    );
    return rows.map((r) => r.payload);
  };
  const metadataReads = async (owner: string) => (await callsOf(e2e, owner))['messages.get'] ?? 0;

  it('when search let go group mail whose contact is only in Reply-To, then a reconciliation audits it: the sampled miss is logged, the look widens to the rest of its shape, and the CRM hears mailbox.search_missed', async () => {
    const { owner, user } = await connect();
    const group = await deliverAll(
      owner,
      Array.from({ length: 8 }, (_, i) => groupMail(owner, i % 2 ? BRUNO : ANA, i)),
    );
    const other = await deliverAll(owner, [noise(owner, 1), noise(owner, 2)]);
    await letGo(owner, [...group, ...other]);
    await waitForIdle(e2e);
    expect(await loggedCount(e2e, group)).toBe(0);

    const audit = await reconcile(owner, user);
    // 10 let go: a quarter is 3, the day's minimum 5; at least 3 of any 5 are group mail.
    expect(audit.sampled).toBe(5);
    expect(audit.missed).toBeGreaterThanOrEqual(3);
    expect(audit.miss_rate).toBeCloseTo(audit.missed / 5, 4);
    await waitFor(async () => (await loggedCount(e2e, group)) === group.length, {
      timeoutMs: 10_000,
      what: 'every group mail logged',
    });
    expect(await loggedCount(e2e, other)).toBe(0);

    const [event, ...more] = await missedEvents(owner);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      sampled: 5,
      missed: audit.missed,
      widened: 5,
      widened_missed: group.length - audit.missed,
      same_shape: group.length - audit.missed,
      lists: ['vendas.groups.partner.test'],
      domains: ['groups.partner.test'],
      shapes: { reply_to_only: 8, group: 8, list: 8 },
    });
    expect([...((event?.gmail_message_ids as string[]) ?? [])].sort()).toEqual([...group].sort());
    expect(event?.entities).toContainEqual({ entity_type: 'contact', entity_id: anaId });
    // No person's address: the CRM's own records are named by id.
    expect(JSON.stringify(event)).not.toMatch(/@/);
  });

  it('when let-go mail is audited twice in a day, then each run reads the rate of its population and the day at least the minimum', async () => {
    const { owner, user } = await connect();
    await letGo(
      owner,
      await deliverAll(
        owner,
        Array.from({ length: 12 }, (_, i) => noise(owner, i)),
      ),
    );
    await waitForIdle(e2e);
    await e2e.simControl('reset-stats', { body: {} });
    // A quarter of 12 is 3: the day's minimum of 5 is read.
    expect((await reconcile(owner, user)).sampled).toBe(5);
    expect(await metadataReads(owner)).toBe(5);

    const more = Array.from({ length: 24 }, (_, i) => noise(owner, 100 + i));
    await letGo(owner, await deliverAll(owner, more));
    await waitForIdle(e2e);
    await e2e.simControl('reset-stats', { body: {} });
    // A quarter of the 24 let go since: 6 (the minimum is met for the day).
    const audit = await reconcile(owner, user);
    expect(audit).toMatchObject({ sampled: 11, missed: 0, miss_rate: 0 });
    expect(await metadataReads(owner)).toBe(6);
    expect(await missedEvents(owner)).toEqual([]);
  });

  it('when let-go mail names a contact in Reply-To but the sync would not log it, then the audit reads it and logs nothing', async () => {
    const { owner, user } = await connect();
    const settings = await e2e.api('/integrations/gmail/settings', {
      user,
      method: 'PUT',
      body: JSON.stringify({ blocked_domains: ['blocked.test'] }),
    });
    expect(settings.status).toBe(200);
    const fromBlocked = rawMail({
      from: 'desk@blocked.test',
      to: owner,
      subject: 'Blocked',
      headers: { 'Reply-To': ANA },
    });
    const [blocked = '', trashed = '', ...rest] = await deliverAll(owner, [
      fromBlocked,
      groupMail(owner, ANA, 1, 'trashed'),
      noise(owner, 1),
      noise(owner, 2),
    ]);
    await letGo(owner, [blocked, trashed, ...rest]);
    // Trashed in Gmail after search let it go: the sync never logs trash.
    expect(
      (await e2e.simControl(`mailboxes/${owner}/messages/${trashed}/trash`, { method: 'POST' })).ok,
    ).toBe(true);
    await waitForIdle(e2e);
    await e2e.simControl('reset-stats', { body: {} });

    const audit = await reconcile(owner, user);
    // Under the day's minimum, every one is read: each judged as the sync judges, none fetched.
    expect(audit).toMatchObject({ sampled: 4, missed: 0, miss_rate: 0 });
    expect(await metadataReads(owner)).toBe(4);
    expect(await loggedCount(e2e, [blocked, trashed, ...rest])).toBe(0);
    expect(await missedEvents(owner)).toEqual([]);
  });

  it('when a mailbox with let-go mail has had no audit for a day, then the poll queues one; one run that day, none again', async () => {
    const { owner, user } = await connect();
    const group = await deliverAll(owner, [
      groupMail(owner, ANA, 1, 'daily'),
      groupMail(owner, BRUNO, 2, 'daily'),
    ]);
    await letGo(owner, group);
    await waitForIdle(e2e);
    expect((await status(user)).completeness?.audit ?? null).toBeNull();
    await e2e.database.pool.query(
      `update mailboxes set connected_at = now() - interval '2 days' where email = $1`,
      [owner],
    );
    // A reconciliation of the day already ran: only the audit is due.
    await e2e.database.pool.query(
      `insert into mailbox_reconciliations
         (mailbox_id, checked_at, window_start, expected, logged, skipped, repaired, missing, units)
       select id, now(), now() - interval '1 day', 0, 0, 0, 0, 0, 0 from mailboxes where email = $1
       on conflict (mailbox_id) do update set checked_at = now()`,
      [owner],
    );
    await pollCycle(e2e.deps, { jitterSeconds: 0 });
    await waitFor(async () => (await auditRuns(owner)) === 1, {
      timeoutMs: 20_000,
      what: 'the daily audit',
    });
    await waitForLogged(group);
    expect((await status(user)).completeness?.audit).toMatchObject({ sampled: 2, missed: 2 });

    await pollCycle(e2e.deps, { jitterSeconds: 0 });
    const { rows } = await e2e.database.pool.query<{ n: number }>(
      `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'audit_mailbox'`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('when a widening owes more let-go mail a look than one run reads, then each run reads its share and the next goes on until all is judged', async () => {
    const { owner } = await connect();
    const group = await deliverAll(
      owner,
      Array.from({ length: 8 }, (_, i) => groupMail(owner, i % 2 ? BRUNO : ANA, i, 'slices')),
    );
    await letGo(owner, group);
    await waitForIdle(e2e);
    const { rows } = await e2e.database.pool.query<{ id: string }>(
      'select id from mailboxes where email = $1',
      [owner],
    );
    const syncDeps = makeSyncDeps(e2e.deps);
    const audit = () => runAudit(syncDeps, rows[0]?.id ?? '', { sampleRate: RATE, widenPerRun: 2 });
    // All 8 are misses: the 5 sampled are logged and the other 3 owed a look, 2 a run.
    expect(await audit()).toMatchObject({ sampled: 5, missed: 5, widened: 2, owed: 1 });
    expect(await audit()).toMatchObject({ population: 0, sampled: 0, widened: 1, owed: 0 });
    expect(await loggedCount(e2e, group)).toBe(group.length);
    expect(await audit()).toMatchObject({ sampled: 0, widened: 0, owed: 0, logged: [] });
  });

  const waitForLogged = (ids: string[]) =>
    waitFor(async () => (await loggedCount(e2e, ids)) === ids.length, {
      timeoutMs: 10_000,
      what: 'the mail logged',
    });
});
