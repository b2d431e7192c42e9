// The sync's fetch against Gmail's limits beyond units, in the simulator: refusals of calls in
// flight shrink the batches (fewer calls at once), every message is fetched, none counts as
// failed; a penalty hours long holds no call: the pacer refuses at once until Gmail's time.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { makeGmailBatch } from '../../src/google/gmail-batch.ts';
import { callGmail } from '../../src/google/gmail-call.ts';
import { MailboxThrottled } from '../../src/google/gmail-errors.ts';
import { makePacerRegistry } from '../../src/google/mailbox-pacer.ts';
import { fetchMessages } from '../../src/sync/fetch-messages.ts';
import { deliver, faults, gmailFor } from '../support/sim-gmail.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testTimings } from '../support/test-timings.ts';

describe("the sync's fetch, against Gmail's limit on calls in flight", () => {
  let sim: Simulator;
  let database: TestDatabase;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await sim.close();
    await database.drop();
  });

  it('when Gmail refuses the calls past three in flight, then the batches shrink, every message is fetched and no failure is counted', async () => {
    const email = 'crowded@vendor.test';
    const { gmail, auth } = await gmailFor(sim, email);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++)
      ids.push((await deliver(sim, email, `Subject: m${i}\r\n\r\nbody ${i}`)).id);
    // A raised quota (a second covers 48 gets), so calls in flight are the only limit.
    await faults(sim, { quota_units_per_sec: 1_000, latency_ms: 50, concurrency_per_user: 3 });
    await fetch(`${sim.baseUrl}/__sim/reset-stats`, { method: 'POST' });
    const pacer = makePacerRegistry({ profile: '2026', unitsPerSecond: 1_000 }).forMailbox(email);
    expect(pacer.burst('messages.get')).toBe(10);

    const mailboxRef = { id: randomUUID(), orgId: 'org-concurrency' };
    const batch = makeGmailBatch(auth, `${sim.baseUrl}/`);
    const result = await fetchMessages(
      { db: database.db, gmail, batch, pacer, mailbox: mailboxRef, timings: testTimings },
      ids,
    );
    expect(result.mails).toHaveLength(ids.length);
    expect([...result.pending, ...result.deadLettered]).toEqual([]);
    expect(result.throttledUntil).toBeUndefined();
    const { rows } = await database.pool.query(
      'select 1 from message_failures where mailbox_id = $1',
      [mailboxRef.id],
    );
    expect(rows).toHaveLength(0);
    // Gmail did refuse some (the first batch carried ten), and the pacer now sends fewer at once.
    const stats = (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as {
      users: Record<string, { rate_limited: number }>;
    };
    expect(stats.users[email]?.rate_limited).toBeGreaterThan(0);
    expect(pacer.burst('messages.get')).toBeLessThan(10);
  });

  it("when Gmail names a retry time hours away, then the mailbox's next calls are refused at once without reaching Gmail, and a fetch counts no failure", async () => {
    const email = 'penalised@vendor.test';
    const { gmail, auth } = await gmailFor(sim, email);
    const ids = [(await deliver(sim, email, 'Subject: m\r\n\r\nx')).id];
    await faults(sim, { reset: true, quota_units_per_sec: 1, quota_retry_after_s: 7_200 });
    const pacer = makePacerRegistry({ profile: '2026' }).forMailbox(email);
    const profile = () =>
      callGmail(pacer, 'getProfile', () => gmail.users.getProfile({ userId: 'me' }));
    await gmail.users.getProfile({ userId: 'me' });
    const first = await profile().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(MailboxThrottled);
    const calls = async () =>
      (
        (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as {
          users: Record<string, { calls: Record<string, number> }>;
        }
      ).users[email]?.calls ?? {};
    const before = await calls();

    const again = await profile().catch((e: unknown) => e);
    expect(again).toBeInstanceOf(MailboxThrottled);
    expect((again as MailboxThrottled).until.getTime()).toBeGreaterThan(Date.now() + 7_000_000);
    const mailboxRef = { id: randomUUID(), orgId: 'org-concurrency' };
    const batch = makeGmailBatch(auth, `${sim.baseUrl}/`);
    const result = await fetchMessages(
      { db: database.db, gmail, batch, pacer, mailbox: mailboxRef, timings: testTimings },
      ids,
    );
    expect(result.pending).toEqual(ids);
    expect(result.throttledUntil?.getTime()).toBeGreaterThan(Date.now() + 7_000_000);
    expect(await calls()).toEqual(before);
    const { rows } = await database.pool.query(
      'select 1 from message_failures where mailbox_id = $1',
      [mailboxRef.id],
    );
    expect(rows).toHaveLength(0);
  });
});
