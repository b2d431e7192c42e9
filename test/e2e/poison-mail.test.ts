import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/database-errors.ts';
import { syncMailbox } from '../../src/ingest/sync-mailbox.ts';
import { makeSharedStatements } from '../../src/sync/shared-statements.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { absurdDates, deliveryBody, hostileMails } from '../support/hostile-mail.ts';
import { rawMail } from '../support/raw-mail.ts';

const ORG = 'org-poison';
const user = { sub: 'u-poison', org: ORG };
const OWNER = 'poison@vendor.test';
const CLIENT = 'client@customer.test';

describe('mail that once blocked a mailbox', () => {
  let e2e: E2E;
  let mailboxId: string;

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
    await addContact(e2e.deps.database.db, ORG, 'Client', CLIENT);
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    mailboxId = (
      await e2e.database.pool.query('select id from mailboxes where email = $1', [OWNER])
    ).rows[0].id;
    await runSync();
  });
  afterAll(async () => {
    await e2e.close();
  });

  const runSync = () =>
    syncMailbox(
      {
        db: e2e.deps.database.db,
        shared: makeSharedStatements(e2e.deps.database.db),
        log: e2e.deps.log,
        mailboxAuth: e2e.deps.mailboxAuth,
        pacers: e2e.deps.pacers,
        backfillDays: 7,
        orgRules: e2e.deps.orgRules,
        timings: e2e.deps.config.timings,
        metrics: e2e.deps.metrics,
      },
      mailboxId,
    ).catch((error: unknown) => error);
  const deliverRaw = async (raw: Buffer) => {
    const res = await e2e.simControl(`mailboxes/${encodeURIComponent(OWNER)}/deliver`, {
      body: deliveryBody(raw),
    });
    if (!res.ok) throw new Error(`deliver failed: ${res.status}`);
    return (await res.json()) as { id: string };
  };
  const deliverLegit = async (subject: string) =>
    (await e2e.deliver(OWNER, rawMail({ from: CLIENT, to: OWNER, subject }))).id;
  const logged = async (ids: string[]) =>
    (
      await e2e.database.pool.query<{ id: string; created_at: Date; header_date: string | null }>(
        `select gmail_message_id as id, created_at, content->>'header_date' as header_date
           from activities where gmail_message_id = any($1)`,
        [ids],
      )
    ).rows;
  const deadLettered = async (ids: string[]) =>
    (
      await e2e.database.pool.query<{ id: string }>(
        `select gmail_message_id as id from dead_letters where gmail_message_id = any($1)`,
        [ids],
      )
    ).rows.map((r) => r.id);
  const mailboxState = async () =>
    (
      await e2e.database.pool.query('select status, error_count from mailboxes where id = $1', [
        mailboxId,
      ])
    ).rows[0];

  it('when a stranger writes with Date: 0000-01-01 and a contact in Reply-To, then that mail and the next legitimate one are logged at the time Gmail received them', async () => {
    const before = Date.now();
    const [yearZero] = absurdDates({ contact: CLIENT, owner: OWNER });
    const bad = (await deliverRaw(yearZero?.raw ?? Buffer.alloc(0))).id;
    const good = await deliverLegit('after the year-0 mail');
    const after = Date.now();

    const outcome = await runSync();

    expect(outcome).toMatchObject({ kind: 'synced' });
    const rows = await logged([bad, good]);
    expect(rows.map((r) => r.id).sort()).toEqual([bad, good].sort());
    const badRow = rows.find((r) => r.id === bad);
    expect(badRow?.header_date).toBeNull();
    expect(badRow?.created_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(badRow?.created_at.getTime()).toBeLessThanOrEqual(after + 1000);
    const goodHeader = Date.parse(rows.find((r) => r.id === good)?.header_date ?? '');
    expect(Math.abs(goodHeader - before)).toBeLessThan(5000);
    expect(await mailboxState()).toEqual({ status: 'active', error_count: 0 });
  });

  it('when hostile mails are delivered between legitimate ones, then every legitimate mail is logged, every hostile one is logged or dead-lettered, and the mailbox stays active', {
    timeout: 120_000,
  }, async () => {
    const hostile: string[] = [];
    const legit: string[] = [];
    for (const [i, m] of hostileMails({ contact: CLIENT, owner: OWNER }).entries()) {
      hostile.push((await deliverRaw(m.raw)).id);
      legit.push(await deliverLegit(`legitimate ${i} after ${m.name.slice(0, 40)}`));
    }

    const outcome = await runSync();

    expect(outcome).toMatchObject({ kind: 'synced' });
    expect((await logged(legit)).length).toBe(legit.length);
    const accounted = new Set([
      ...(await logged(hostile)).map((r) => r.id),
      ...(await deadLettered(hostile)),
    ]);
    expect(hostile.filter((id) => !accounted.has(id))).toEqual([]);
    expect(await mailboxState()).toEqual({ status: 'active', error_count: 0 });
    const times = await logged([...hostile, ...legit]);
    for (const r of times) expect(r.created_at.getFullYear()).toBe(new Date().getFullYear());
  });

  it('when PostgreSQL refuses 3 of 50 mails of one batch, then the 47 others are logged, the 3 are dead-lettered and counted without content, and the cursor moves past them', {
    timeout: 60_000,
  }, async () => {
    // A constraint a deployment could add; its violation is PostgreSQL's own refusal of a row.
    await e2e.database.pool.query(
      `alter table activities add constraint no_refused check (email_subject not like 'refused%') not valid`,
    );
    const refusedAt = new Set<number>();
    while (refusedAt.size < 3) refusedAt.add(Math.floor(Math.random() * 50));
    const ids: string[] = [];
    for (let i = 0; i < 50; i++)
      ids.push(await deliverLegit(refusedAt.has(i) ? `refused secret ${i}` : `batch ${i}`));
    const refused = ids.filter((_, i) => refusedAt.has(i));

    const outcome = await runSync();
    await e2e.database.pool.query('alter table activities drop constraint no_refused');

    expect(outcome).toMatchObject({ kind: 'synced', logged: 47 });
    expect((await logged(ids)).length).toBe(47);
    expect((await deadLettered(ids)).sort()).toEqual([...refused].sort());
    expect(await mailboxState()).toEqual({ status: 'active', error_count: 0 });
    const cursor = await e2e.database.pool.query('select history_id from mailboxes where id = $1', [
      mailboxId,
    ]);
    const newest = e2e.sim.store.get(OWNER)?.history.at(-1)?.id ?? Number.POSITIVE_INFINITY;
    expect(Number(cursor.rows[0].history_id)).toBeGreaterThanOrEqual(newest);
    // Not fetched again: the next sync has nothing to do.
    expect(await runSync()).toMatchObject({ kind: 'synced', fetched: 0 });
    const metric = await e2e.deps.metrics.registry.getSingleMetricAsString(
      'gmail_sync_messages_dead_lettered_total',
    );
    expect(metric).toContain('gmail_sync_messages_dead_lettered_total{reason="store_failed"} 3');
    const line = e2e.logs.lines.find((l) => l.includes('messages dead-lettered'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ dead_lettered: 3 });
    expect(e2e.logs.text()).not.toContain('refused secret');
  });

  it('when the database connection dies while a batch is stored, then the sync fails to be retried, nothing is dead-lettered, and the retry logs the mail', async () => {
    // The backend storing the batch ends itself: a real connection failure at that very step.
    await e2e.database.pool.query(`
      create function end_own_backend() returns trigger language plpgsql as $$
      begin perform pg_terminate_backend(pg_backend_pid()); return new; end $$;
      create trigger end_own_backend before insert on activities
        for each row execute function end_own_backend();`);
    const id = await deliverLegit('stored while the connection dies');

    const failed = await runSync();

    expect(isDatabaseUnavailable(failed)).toBe(true);
    expect(await logged([id])).toEqual([]);
    expect(await deadLettered([id])).toEqual([]);
    expect((await mailboxState()).status).toBe('error');

    await e2e.database.pool.query(
      'drop trigger end_own_backend on activities; drop function end_own_backend();',
    );
    expect(await runSync()).toMatchObject({ kind: 'synced' });
    expect((await logged([id])).map((r) => r.id)).toEqual([id]);
    expect(await mailboxState()).toEqual({ status: 'active', error_count: 0 });
  });
});
