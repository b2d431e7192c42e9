// Scenario 2, many mailboxes: `perMailbox` new mails land in each of `mailboxes` while the push
// endpoint is unreachable (the simulator holds the pushes), then the backlog is let go and arrives
// by push at the rate the service acknowledges it. Sustained activities/s from release to the last
// commit, against PostgreSQL's own rate for the same rows written the same way (one transaction per
// mailbox: its activities, links, outbox events and cursor), measured in the same run, and where
// the CPU went meanwhile.
import { randomUUID } from 'node:crypto';
import { cpuDiff, cpuSplit, round } from '../measure.ts';
import { quiesce, type World } from '../world.ts';
import { CONTACTS, raw } from './fixtures.ts';

export async function fanout(world: World, mailboxes: string[], perMailbox: number) {
  await world.setFaults({ push: { hold: true } });
  await quiesce(world.pool);
  const before = await activityCount(world);
  for (const owner of mailboxes) {
    world.seed(
      owner,
      Array.from({ length: perMailbox }, (_, i) =>
        raw(CONTACTS[i % CONTACTS.length] as string, owner, `fan-out ${i}`),
      ),
    );
  }
  const expected = before + mailboxes.length * perMailbox;
  const cpuBefore = await cpuSplit(world);
  const started = performance.now();
  await world.simControl('faults', { push: { hold: false } }, 'PUT');
  let reported = started;
  while ((await activityCount(world)) < expected) {
    if (performance.now() - started > 600_000) throw new Error('fan-out did not finish');
    if (process.env.BENCH_VERBOSE && performance.now() - reported > 1_000) {
      reported = performance.now();
      await reportProgress(world, reported - started);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuDiff(await cpuSplit(world), cpuBefore);
  await quiesce(world.pool);
  const activities = mailboxes.length * perMailbox;
  const pgInsertPerSecond = await postgresInsertRate(world, mailboxes.length, perMailbox);
  return {
    activities,
    seconds: round(seconds),
    perSecond: round(activities / seconds),
    pgInsertPerSecond: round(pgInsertPerSecond),
    cpuSeconds: cpu,
  };
}

/** BENCH_VERBOSE: activities, jobs waiting and running, pushes sent and acked, each second. */
async function reportProgress(world: World, elapsedMs: number): Promise<void> {
  const { rows } = await world.pool.query(
    `select (select count(*)::int from activities) as activities,
            (select count(*)::int from graphile_worker.jobs) as jobs,
            (select count(*)::int from graphile_worker.jobs where locked_at is not null) as running`,
  );
  const { pushes } = (await world.simControl('stats')) as { pushes: unknown };
  process.stderr.write(`${Math.round(elapsedMs)} ms ${JSON.stringify({ ...rows[0], pushes })}\n`);
}

async function activityCount(world: World): Promise<number> {
  const { rows } = await world.pool.query('select count(*)::int as n from activities');
  return rows[0].n;
}

/**
 * PostgreSQL alone: the same rows in the same transactions — per mailbox, its activities, their
 * links and outbox events, and its cursor moved — from four connections at once.
 */
async function postgresInsertRate(world: World, mailboxCount: number, perMailbox: number) {
  const { rows: targets } = await world.pool.query<{ id: string; org_id: string }>(
    'select id, org_id from mailboxes limit $1',
    [mailboxCount],
  );
  const contact = (await world.pool.query('select id from contacts limit 1')).rows[0]?.id as string;
  const body = `Body of a mail. `.repeat(20);
  let next = 0;
  const writer = async () => {
    const client = await world.pool.connect();
    try {
      for (let m = targets[next++]; m; m = targets[next++]) {
        const mailbox = m;
        const ids = Array.from({ length: perMailbox }, () => randomUUID());
        await client.query('begin');
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
          `insert into events (org_id, mailbox_id, type, payload)
           select $1, $2, 'activity.logged', json_build_object('activity_id', id) from unnest($3::uuid[]) as id`,
          [mailbox.org_id, mailbox.id, ids],
        );
        await client.query(
          `update mailboxes set history_id = greatest(history_id, 1), last_sync_at = now() where id = $1`,
          [mailbox.id],
        );
        await client.query('commit');
      }
    } finally {
      client.release();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: 4 }, writer));
  return (targets.length * perMailbox) / ((performance.now() - started) / 1000);
}
