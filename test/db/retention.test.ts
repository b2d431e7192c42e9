import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollCycle } from '../../src/ingest/poll.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { captureLogs } from '../support/test-deps.ts';

describe('retention, swept by the poll', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const poll = () =>
    pollCycle(
      { database, log: createLogger({ level: 'silent' }, captureLogs().stream) },
      { jitterSeconds: 0 },
    );
  const rows = async (query: string) =>
    (await database.pool.query<{ label: string }>(query)).rows.map((r) => r.label).sort();

  it('when dead letters, idempotency keys and OAuth states outlive their retention, then one poll removes them and keeps the rest', async () => {
    await database.pool.query(`
      insert into dead_letters (source, reason, gmail_message_id, mailbox_id, payload, updated_at) values
        ('pubsub', 'malformed_data', null, null, '{"label":"push-31d"}', now() - interval '31 days'),
        ('pubsub', 'unknown_mailbox', null, null, '{"label":"push-29d"}', now() - interval '29 days'),
        ('message', 'parse_failed', 'm1', gen_random_uuid(), '{"label":"mail-31d"}', now() - interval '31 days'),
        ('message', 'parse_failed', 'm2', gen_random_uuid(), '{"label":"mail-401d"}', now() - interval '401 days');
      insert into idempotency_keys (org_id, user_id, key, request_hash, created_at) values
        ('o', 'u', 'key-25h', 'h', now() - interval '25 hours'),
        ('o', 'u', 'key-23h', 'h', now() - interval '23 hours');
      insert into oauth_states (state_hash, org_id, user_id, code_verifier, expires_at) values
        ('state-expired-2h', 'o', 'u', 'v', now() - interval '2 hours'),
        ('state-expired-now', 'o', 'u', 'v', now() - interval '1 minute'),
        ('state-live', 'o', 'u', 'v', now() + interval '9 minutes');`);

    await poll();

    expect(await rows(`select payload->>'label' as label from dead_letters`)).toEqual([
      'mail-31d',
      'push-29d',
    ]);
    expect(await rows(`select key as label from idempotency_keys`)).toEqual(['key-23h']);
    expect(await rows(`select state_hash as label from oauth_states`)).toEqual([
      'state-expired-now',
      'state-live',
    ]);
  });

  it('when one reason floods the push dead letters, then the newest 1,000 of it are kept', async () => {
    await database.pool.query(`delete from dead_letters`);
    await database.pool.query(`
      insert into dead_letters (source, reason, payload, updated_at)
      select 'pubsub', 'malformed_envelope', json_build_object('n', i), now() - i * interval '1 second'
        from generate_series(1, 1500) as i;
      insert into dead_letters (source, reason, payload) values ('pubsub', 'malformed_data', '{}');`);

    await poll();

    const { rows: left } = await database.pool.query(
      `select reason, count(*)::int as n, max((payload->>'n')::int) as oldest
         from dead_letters group by reason order by reason`,
    );
    expect(left).toEqual([
      { reason: 'malformed_data', n: 1, oldest: null },
      { reason: 'malformed_envelope', n: 1000, oldest: 1000 },
    ]);
  });

  it('when let-go mail outlives the audit, then it goes: a week after an audit drew (and read what a widening owed), a month at most; audit runs after a month', async () => {
    const { rows: made } = await database.pool.query<{ id: string }>(
      `insert into mailboxes (org_id, user_id, email, status, history_id)
       values ('o', 'u-retention', 'retention@vendor.test', 'active', 1) returning id`,
    );
    const mailbox = made[0]?.id;
    await database.pool.query(
      `insert into pending_matches
         (mailbox_id, gmail_message_id, thread_id, look_at, let_go_at, audit_drawn_at, audit_widen_at, audit_checked_at)
       values
         ($1, 'drawn-8d', 't', now(), now() - interval '8 days', now() - interval '7 days', null, null),
         ($1, 'drawn-6d', 't', now(), now() - interval '6 days', now() - interval '5 days', null, null),
         ($1, 'undrawn-8d', 't', now(), now() - interval '8 days', null, null, null),
         ($1, 'undrawn-31d', 't', now(), now() - interval '31 days', null, null, null),
         ($1, 'owed-8d', 't', now(), now() - interval '8 days', now() - interval '7 days', now(), null),
         ($1, 'owed-read-8d', 't', now(), now() - interval '8 days', now() - interval '7 days', now(), now()),
         ($1, 'waiting', 't', now(), null, null, null, null)`,
      [mailbox],
    );
    await database.pool.query(
      `insert into search_audits
         (mailbox_id, checked_at, population, sampled, missed, widened, widened_missed, units)
       values ($1, now() - interval '31 days', 1, 1, 0, 0, 0, 20),
              ($1, now() - interval '29 days', 2, 2, 0, 0, 0, 40);`,
      [mailbox],
    );

    await poll();

    expect(await rows(`select gmail_message_id as label from pending_matches`)).toEqual([
      'drawn-6d',
      'owed-8d',
      'undrawn-8d',
      'waiting',
    ]);
    const { rows: runs } = await database.pool.query(`select population from search_audits`);
    expect(runs).toEqual([{ population: 2 }]);
  });

  it('when the in-flight mark of a crashed attempt is untouched for a month, then it goes; a recent one stays', async () => {
    const { rows: made } = await database.pool.query<{ id: string }>(
      `insert into mailboxes (org_id, user_id, email, status, history_id)
       values ('o', 'u-in-flight', 'in-flight@vendor.test', 'active', 1) returning id`,
    );
    await database.pool.query(
      `insert into messages_in_flight (mailbox_id, gmail_message_id, started_at, crashes, updated_at)
       values ($1, 'mark-31d', null, 1, now() - interval '31 days'),
              ($1, 'mark-29d', null, 1, now() - interval '29 days'),
              ($1, 'mark-now', now(), 0, now())`,
      [made[0]?.id],
    );

    await poll();

    expect(await rows(`select gmail_message_id as label from messages_in_flight`)).toEqual([
      'mark-29d',
      'mark-now',
    ]);
  });
});
