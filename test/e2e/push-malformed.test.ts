import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePubSub } from '../../src/google/pubsub-client.ts';
import { startPullConsumer } from '../../src/jobs/pubsub-pull.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { waitFor } from '../support/wait-for.ts';

const OWNER = 'malformed@vendor.test';
const ABOVE_BIGINT = '18446744073709551615'; // 2^64 - 1: Gmail's type allows it, bigint does not.
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const data = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const envelope = (base64: string, id: string) =>
  JSON.stringify({ message: { data: base64, messageId: id }, subscription: 's' });

describe('malformed Gmail notifications fail alone', () => {
  let e2e: E2E;
  let bearer: string;

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
    expect((await e2e.connect({ sub: 'u-malformed', org: 'org-malformed' }, OWNER)).status).toBe(
      200,
    );
    const res = await e2e.simControl('oidc-token', {
      body: { aud: e2e.deps.config.google.pushAudience },
    });
    bearer = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await e2e.close();
  });

  const post = (body: string) =>
    fetch(`${e2e.url}/pubsub/gmail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body,
    });
  const deadLetters = async () =>
    (
      await e2e.database.pool.query<{ reason: string; payload: Record<string, unknown> }>(
        `select reason, payload from dead_letters where source = 'pubsub' order by id`,
      )
    ).rows;
  const syncJobs = async () =>
    (
      await e2e.database.pool.query(
        `select count(*)::int as n from graphile_worker.jobs
          where task_identifier = 'sync_mailbox' and key like 'sync:%'`,
      )
    ).rows[0].n as number;

  it('when a burst mixes good pushes with a 20-digit historyId, a NUL address and deeply nested bodies, then every push is acknowledged, each bad one is a dead letter and the good ones queue a sync', async () => {
    await e2e.database.pool.query('delete from graphile_worker._private_jobs');
    const good = Array.from({ length: 20 }, (_, i) =>
      envelope(data({ emailAddress: OWNER, historyId: String(10_000_000 + i) }), `g${i}`),
    );
    const bad = [
      envelope(data({ emailAddress: OWNER, historyId: ABOVE_BIGINT }), 'big'),
      envelope(data({ emailAddress: `x\u0000${OWNER}`, historyId: '5' }), 'nul'),
      envelope(Buffer.from(nested(20_000)).toString('base64'), 'deep-data'),
      `{"message":${nested(30_000)}}`,
    ];
    const answers = await Promise.all([...bad, ...good].map(post));
    expect(answers.map((r) => r.status)).toEqual(Array(answers.length).fill(204));
    expect((await deadLetters()).map((l) => l.reason).sort()).toEqual([
      'malformed_data',
      'malformed_data',
      'malformed_envelope',
      'malformed_history_id',
    ]);
    expect(await syncJobs()).toBe(1);
  });

  it('when hundreds of pushes name an address no mailbox has, then one dead letter counts them without the address', async () => {
    await e2e.database.pool.query('delete from dead_letters');
    const stranger = 'stranger@elsewhere.test';
    const pushes = Array.from({ length: 300 }, (_, i) =>
      envelope(data({ emailAddress: stranger, historyId: String(i + 1) }), `u${i}`),
    );
    for (let i = 0; i < pushes.length; i += 100) {
      const answers = await Promise.all(pushes.slice(i, i + 100).map(post));
      expect(answers.every((r) => r.status === 204)).toBe(true);
    }
    const { rows } = await e2e.database.pool.query(
      `select attempts, payload::text as payload from dead_letters where reason = 'unknown_mailbox'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].attempts).toBe(300);
    expect(rows[0].payload).not.toContain(stranger);
    expect(rows[0].payload).toContain(createHash('sha256').update(stranger).digest('hex'));
  });

  it('when pulled messages are malformed, then each is dead-lettered and acknowledged while a good one in the same batch queues its sync', async () => {
    await e2e.database.pool.query('delete from dead_letters');
    await e2e.database.pool.query('delete from graphile_worker._private_jobs');
    const pubsub = makePubSub({ projectId: 'sim', emulatorHost: e2e.sim.hostPort });
    const topic = pubsub.topic('projects/sim/topics/gmail');
    await topic.createSubscription('malformed-pull');
    await e2e.simControl('faults', { method: 'PUT', body: { push: { drop: 1 } } });
    const consumer = startPullConsumer(
      {
        db: e2e.deps.database.db,
        pool: e2e.deps.database.pool,
        log: e2e.deps.log,
        pubsub,
        timings: e2e.deps.config.timings,
      },
      'malformed-pull',
    );
    try {
      await Promise.all([
        topic.publishMessage({
          data: Buffer.from(JSON.stringify({ emailAddress: OWNER, historyId: ABOVE_BIGINT })),
        }),
        topic.publishMessage({ data: Buffer.from(nested(20_000)) }),
        topic.publishMessage({
          data: Buffer.from(JSON.stringify({ emailAddress: OWNER, historyId: '20000000' })),
        }),
      ]);
      await waitFor(async () => (await deadLetters()).length === 2 && (await syncJobs()) === 1, {
        what: 'two dead letters and one sync',
      });
      expect((await deadLetters()).map((l) => l.reason).sort()).toEqual([
        'malformed_data',
        'malformed_history_id',
      ]);
    } finally {
      await consumer.close();
      await pubsub.close();
      await e2e.simControl('faults', { method: 'PUT', body: { reset: true } });
    }
  });
});
