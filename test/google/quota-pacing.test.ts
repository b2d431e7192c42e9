// The pacer against the simulator's real quota, through the real googleapis client: how close to
// Gmail's bound a mailbox is fetched, and how few refusals it meets, in both of the simulator's
// quota windows and under each of Gmail's three refusal forms. Ratios of counts over the run.
import { randomUUID } from 'node:crypto';
import type { gmail_v1 } from 'googleapis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { makeGmailBatch } from '../../src/google/gmail-batch.ts';
import { callGmail } from '../../src/google/gmail-call.ts';
import { makePacerRegistry, type Pacer } from '../../src/google/mailbox-pacer.ts';
import { quotaCost } from '../../src/google/quota-costs.ts';
import { fetchMessages } from '../../src/sync/fetch-messages.ts';
import { deliver, gmailFor } from '../support/sim-gmail.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testTimings } from '../support/test-timings.ts';

const GET_UNITS = quotaCost('2026', 'messages.get');

describe('pacing against Gmail’s per-user quota, in the simulator', () => {
  let sim: Simulator;
  let database: TestDatabase;
  let n = 0;
  const faults = (body: object) =>
    fetch(`${sim.baseUrl}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reset: true, ...body }),
    });
  const refusals = async (email: string) => {
    const stats = (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as {
      users: Record<string, { rate_limited: number }>;
    };
    return stats.users[email]?.rate_limited ?? 0;
  };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await faults({});
  });
  afterAll(async () => {
    await sim.close();
    await database.drop();
  });

  /** A mailbox holding `count` messages, and its Gmail client. */
  async function mailbox(count: number) {
    const email = `pacing${++n}@vendor.test`;
    const { gmail, auth } = await gmailFor(sim, email);
    const ids: string[] = [];
    for (let i = 0; i < count; i++)
      ids.push((await deliver(sim, email, `Subject: m${i}\r\n\r\nbody ${i}`)).id);
    await fetch(`${sim.baseUrl}/__sim/reset-stats`, { method: 'POST' });
    return { email, gmail, auth, ids };
  }

  /** Fetches every id through the pacer and the retry policy; counts the calls that gave up. */
  async function fetchAll(gmail: gmail_v1.Gmail, pacer: Pacer, ids: string[]) {
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      ids.map((id) =>
        callGmail(pacer, 'messages.get', () => gmail.users.messages.get({ userId: 'me', id })),
      ),
    );
    return {
      seconds: (performance.now() - started) / 1000,
      gaveUp: outcomes.filter((o) => o.status === 'rejected').length,
    };
  }

  it('when the window is one second, then a mailbox is fetched at >= 0.9 of the bound with a handful of refusals at most', async () => {
    const unitsPerSec = 300;
    const { email, gmail, ids } = await mailbox(60);
    await faults({ quota_units_per_sec: unitsPerSec });
    const pacer = makePacerRegistry({ profile: '2026', unitsPerSecond: unitsPerSec }).forMailbox(
      email,
    );
    const run = await fetchAll(gmail, pacer, ids);
    expect(run.gaveUp).toBe(0);
    expect((ids.length * GET_UNITS) / run.seconds / unitsPerSec).toBeGreaterThanOrEqual(0.9);
    expect(await refusals(email)).toBeLessThanOrEqual(3);
  });

  it('when the window is a minute and another client spent it at once, then the sync’s batched fetch waits for the window to move with a handful of refusals, and then holds >= 0.9 of the bound', async () => {
    const unitsPerSec = 100;
    const { email, gmail, auth, ids } = await mailbox(30);
    await faults({ quota_units_per_sec: unitsPerSec, quota_window: 'minute' });
    // Another client (a backup tool, say) bursts through Gmail's batch endpoint until refused, in
    // batches no larger than Gmail lets one user have in flight (10 calls).
    const batch = makeGmailBatch(auth, `${sim.baseUrl}/`);
    const burst = Array.from({ length: 10 }, (_, i) => ids[i % ids.length] as string);
    let spentAt = 0;
    while (spentAt === 0) {
      const answers = await batch.getMessages(burst, 'minimal');
      if (answers.some((a) => 'error' in a)) spentAt = Date.now();
    }
    const windowMoves = Math.ceil(spentAt / 60_000) * 60_000;
    await fetch(`${sim.baseUrl}/__sim/reset-stats`, { method: 'POST' });

    // The sync's own fetch: batches of a second's quota, refused parts fetched again alone.
    const pacer = makePacerRegistry({ profile: '2026', unitsPerSecond: unitsPerSec }).forMailbox(
      email,
    );
    const mailboxRef = { id: randomUUID(), orgId: 'org-pacing' };
    const result = await fetchMessages(
      { db: database.db, gmail, batch, pacer, mailbox: mailboxRef, timings: testTimings },
      ids,
    );
    const finished = Date.now();
    expect(result.mails).toHaveLength(ids.length);
    expect([...result.pending, ...result.deadLettered]).toEqual([]);
    const secondsAfterMove = (finished - windowMoves) / 1000;
    // The pacer starts the new window with an empty bucket, so six seconds of units take six
    // seconds plus the first second's fill and the machine's latency: 0.97 on an idle machine,
    // asserted with room for a busy CI (the pacing itself is the second-window test's subject).
    expect((ids.length * GET_UNITS) / secondsAfterMove / unitsPerSec).toBeGreaterThanOrEqual(0.7);
    // At most the one batch (a second's worth of parts) in flight when the first refusal came.
    expect(await refusals(email)).toBeLessThanOrEqual(pacer.burst('messages.get') + 1);
  }, 120_000);

  it('when parts of a batch are refused, then the mailbox slows down as for a refused call', async () => {
    const unitsPerSec = 100;
    const { email, auth, ids } = await mailbox(8);
    await faults({ quota_units_per_sec: unitsPerSec, quota_error: 'exhausted' });
    const pacer = makePacerRegistry({ profile: '2026', unitsPerSecond: unitsPerSec }).forMailbox(
      email,
    );
    // Eight gets (160 units) against a bucket of one second (100): the batch answers 200, some
    // of its parts refused (about three; fewer when the parts are slow and the bucket refills).
    const batch = makeGmailBatch(auth, `${sim.baseUrl}/`);
    const answers = await pacer.run('messages.get', () => batch.getMessages(ids, 'minimal'), {
      calls: ids.length,
    });
    expect(answers.filter((a) => 'error' in a).length).toBeGreaterThan(0);
    expect(pacer.rate()).toBeLessThan(unitsPerSec * 0.97);
  });

  for (const form of ['429', '403', 'exhausted'] as const) {
    it(`when another process shares the mailbox's quota and Gmail refuses in the ${form} form, then every fetch succeeds, nothing gives up, and the pacer slows down`, async () => {
      const unitsPerSec = 200;
      const { email, gmail, ids } = await mailbox(40);
      await faults({ quota_units_per_sec: unitsPerSec, quota_error: form });
      // Two processes (the web role and a worker, say) each pacing the mailbox at the full rate.
      const ours = makePacerRegistry({ profile: '2026', unitsPerSecond: unitsPerSec });
      const theirs = makePacerRegistry({ profile: '2026', unitsPerSecond: unitsPerSec });
      const pacer = ours.forMailbox(email);
      const [a, b] = await Promise.all([
        fetchAll(gmail, pacer, ids),
        fetchAll(gmail, theirs.forMailbox(email), ids),
      ]);
      expect(a.gaveUp + b.gaveUp).toBe(0);
      expect(pacer.rate()).toBeLessThan(unitsPerSec * 0.97);
      // Without backing off, two full-rate pacers would be refused about every other call.
      expect(await refusals(email)).toBeLessThanOrEqual(ids.length / 4);
    }, 120_000);
  }
});
