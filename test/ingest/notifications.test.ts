import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productionTimings } from '../../src/config-timings.ts';
import {
  type GmailNotification,
  makeNotificationRecorder,
  recordNotifications,
} from '../../src/ingest/notifications.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('recording Gmail notifications in groups', () => {
  let database: TestDatabase;
  const owners = Array.from({ length: 20 }, (_, i) => `owner${i}@vendor.test`);

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.pool.query(
      `insert into mailboxes (org_id, user_id, email, status, history_id)
       select 'org-n', 'u-' || i, 'owner' || i || '@vendor.test',
              case when i = 19 then 'revoked' else 'active' end, 1000
         from generate_series(0, 19) as i`,
    );
  });
  afterAll(async () => {
    await database.drop();
  });

  const waitingSyncs = async () =>
    (
      await database.pool.query<{ key: string }>(
        `select key from graphile_worker.jobs where task_identifier = 'sync_mailbox' order by key`,
      )
    ).rows.map((r) => r.key);

  it('when one group mixes news, stale, revoked and unknown addresses, then each gets its own outcome in order', async () => {
    const group: GmailNotification[] = [
      { emailAddress: 'Owner0@Vendor.test', historyId: '2000' },
      { emailAddress: 'owner1@vendor.test', historyId: 999 },
      { emailAddress: 'owner19@vendor.test', historyId: '5000' },
      { emailAddress: 'nobody@vendor.test', historyId: '5000' },
      { emailAddress: 'owner0@vendor.test', historyId: '1000' },
    ];
    const outcomes = await recordNotifications(database.pool, group, productionTimings);
    expect(outcomes).toEqual([
      'queued',
      'up_to_date',
      'inactive_mailbox',
      'unknown_mailbox',
      'up_to_date',
    ]);
    const { rows: letters } = await database.pool.query(
      `select reason, payload from dead_letters where source = 'pubsub'`,
    );
    expect(letters).toEqual([
      {
        reason: 'unknown_mailbox',
        payload: {
          address_sha256: createHash('sha256').update('nobody@vendor.test').digest('hex'),
          historyId: '5000',
        },
      },
    ]);
    const { rows: stamped } = await database.pool.query(
      `select email from mailboxes where last_push_at is not null order by email`,
    );
    expect(stamped.map((r) => r.email)).toEqual([
      'owner0@vendor.test',
      'owner19@vendor.test',
      'owner1@vendor.test',
    ]);
    // The highest id each push announced, never lowered by a stale one; none for a revoked mailbox,
    // whose push queues no sync (the poll's check must not count its change as read).
    const { rows: announced } = await database.pool.query(
      `select email, announced_history_id::text as id from mailboxes
        where email in ('owner0@vendor.test', 'owner1@vendor.test', 'owner19@vendor.test')
        order by email`,
    );
    expect(announced).toEqual([
      { email: 'owner0@vendor.test', id: '2000' },
      { email: 'owner19@vendor.test', id: null },
      { email: 'owner1@vendor.test', id: '999' },
    ]);
    await recordNotifications(
      database.pool,
      [{ emailAddress: 'owner0@vendor.test', historyId: '1500' }],
      productionTimings,
    );
    const { rows: kept } = await database.pool.query(
      `select announced_history_id::text as id from mailboxes where email = 'owner0@vendor.test'`,
    );
    expect(kept).toEqual([{ id: '2000' }]);
  });

  it('when hundreds of pushes arrive at once through two recorders, then every one is answered and each mailbox has one waiting sync', async () => {
    await database.pool.query(`delete from graphile_worker._private_jobs`);
    // Two recorders stand for two web processes writing concurrently (locks taken in id order).
    // A trailing delay no test would wait for: the trailing syncs are seen to be queued that late.
    const timings = { trailingSyncDelayMs: 60_000 };
    const recorders = [
      makeNotificationRecorder(database.pool, timings),
      makeNotificationRecorder(database.pool, timings),
    ];
    const pushes = Array.from({ length: 600 }, (_, i) => ({
      emailAddress: owners[i % 19] as string,
      historyId: String(2_000 + i),
    }));
    const outcomes = await Promise.all(
      pushes.map((p, i) => (recorders[i % 2] as (typeof recorders)[0]).record(p)),
    );
    expect(outcomes.every((o) => o === 'queued')).toBe(true);
    const keys = await waitingSyncs();
    // One sync at once and one trailing sync `trailingSyncDelayMs` later per mailbox.
    expect(keys.filter((k) => k.startsWith('sync:'))).toHaveLength(19);
    expect(keys.filter((k) => k.startsWith('sync-trailing:'))).toHaveLength(19);
    const { rows: delays } = await database.pool.query<{ soonest: number }>(
      `select min(extract(epoch from run_at - now()))::float8 as soonest from graphile_worker.jobs
        where key like 'sync-trailing:%'`,
    );
    expect(delays[0]?.soonest).toBeGreaterThan(50);
  });
});
