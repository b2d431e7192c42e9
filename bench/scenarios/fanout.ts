// Scenario 2, many mailboxes: `mailboxes` × `perMailbox` new mails arriving by push, all at once;
// sustained activities/s, against PostgreSQL's own rate for inserting the same rows (activities
// and links, in batches, measured in the same run on the same server).
import { randomUUID } from 'node:crypto';
import { round } from '../measure.ts';
import { quiesce, type World } from '../world.ts';
import { raw } from './fixtures.ts';

export async function fanout(world: World, mailboxes: string[], perMailbox: number) {
  await world.simControl('faults', { reset: true, quota_units_per_sec: 1_000_000 }, 'PUT');
  await quiesce(world.pool);
  const before = Number(
    (await world.pool.query('select count(*)::int as n from activities')).rows[0].n,
  );
  const started = performance.now();
  const deliveries: Promise<unknown>[] = [];
  for (let i = 0; i < perMailbox; i++) {
    for (const owner of mailboxes) {
      deliveries.push(
        world.deliver(owner, raw(`contact${i % 50}@customer.test`, owner, `fanout ${i}`)),
      );
      if (deliveries.length >= 64) await Promise.all(deliveries.splice(0));
    }
  }
  await Promise.all(deliveries);
  const expected = before + mailboxes.length * perMailbox;
  for (;;) {
    const n = Number(
      (await world.pool.query('select count(*)::int as n from activities')).rows[0].n,
    );
    if (n >= expected) break;
    if (performance.now() - started > 600_000) throw new Error('fan-out did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  await quiesce(world.pool);
  const perSecond = (mailboxes.length * perMailbox) / seconds;
  const pgRate = await postgresInsertRate(world, mailboxes.length * perMailbox);
  return {
    activities: mailboxes.length * perMailbox,
    seconds: round(seconds),
    perSecond: round(perSecond),
    pgInsertPerSecond: round(pgRate),
  };
}

/** PostgreSQL alone: the same rows, inserted in batches of 100 in one transaction each. */
async function postgresInsertRate(world: World, count: number): Promise<number> {
  const { rows } = await world.pool.query('select id, org_id from mailboxes limit 1');
  const mailbox = rows[0] as { id: string; org_id: string };
  const contact = (await world.pool.query('select id from contacts limit 1')).rows[0]?.id as string;
  const body = 'Body of a mail. '.repeat(20);
  const started = performance.now();
  for (let done = 0; done < count; done += 100) {
    const client = await world.pool.connect();
    try {
      await client.query('begin');
      const ids = Array.from({ length: Math.min(100, count - done) }, () => randomUUID());
      await client.query(
        `insert into activities (id, org_id, mailbox_id, gmail_message_id, thread_id, entity_type, entity_id, title,
           description, email_subject, email_direction, content, created_at, created_by, created_by_name)
         select id, $1, $2, 'pg-' || id, 't', 'contact', $3, 'Email: x', $4, 'x', 'received',
                json_build_object('body', $4::text), now(), 'u', 'Gmail Sync'
           from unnest($5::uuid[]) as id`,
        [mailbox.org_id, mailbox.id, contact, body, ids],
      );
      await client.query(
        `insert into activity_links (activity_id, org_id, entity_type, entity_id, activity_created_at)
         select id, $1, 'contact', $2, now() from unnest($3::uuid[]) as id`,
        [mailbox.org_id, contact, ids],
      );
      await client.query(
        `insert into events (org_id, mailbox_id, type, payload) select $1, $2, 'activity.logged', json_build_object('a', id) from unnest($3::uuid[]) as id`,
        [mailbox.org_id, mailbox.id, ids],
      );
      await client.query('commit');
    } finally {
      client.release();
    }
  }
  return count / ((performance.now() - started) / 1000);
}
