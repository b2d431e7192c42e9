// The in-flight marker (src/sync/in-flight.ts) against real process deaths: a sync runs in a child
// process (test/support/sync-once.ts) and is killed (SIGKILL, nothing runs after) while the mail is
// being fetched, Gmail made slow so the kill lands mid-batch.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMailbox } from '../../src/ingest/sync-mailbox.ts';
import { markInFlight } from '../../src/sync/in-flight.ts';
import { makeSharedStatements } from '../../src/sync/shared-statements.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-in-flight';
const user = { sub: 'u-in-flight', org: ORG };
const OWNER = 'crashes@vendor.test';
const CLIENT = 'client@customer.test';
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('a message that kills the process', () => {
  let e2e: E2E;
  let mailboxId: string;

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
    await addContact(e2e.deps.database.db, ORG, 'Client', CLIENT);
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    mailboxId = (
      await e2e.database.pool.query('select id from mailboxes where email = $1', [OWNER])
    ).rows[0].id;
    await syncHere();
  });
  afterAll(async () => {
    await e2e.resetFaults();
    await e2e.close();
  });

  const syncHere = () =>
    syncMailbox(
      {
        db: e2e.deps.database.db,
        shared: makeSharedStatements(e2e.deps.database.db),
        log: e2e.deps.log,
        mailboxAuth: e2e.deps.mailboxAuth,
        pacers: e2e.deps.pacers,
        backfillDays: 7,
        orgRules: e2e.deps.orgRules,
        metrics: e2e.deps.metrics,
        timings: e2e.deps.config.timings,
      },
      mailboxId,
    );
  const syncInChild = (): { child: ChildProcess; exited: Promise<unknown> } => {
    const child = spawn(process.execPath, ['test/support/sync-once.ts', mailboxId], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: e2e.database.url,
        PUBLIC_URL: e2e.url,
        GOOGLE_EMULATOR_HOST: e2e.sim.hostPort,
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      },
      stdio: 'ignore',
    });
    return { child, exited: new Promise((resolve) => child.once('exit', resolve)) };
  };
  const killWhen = async (inFlight: (ids: string[]) => boolean, what: string) => {
    const { child, exited } = syncInChild();
    try {
      await waitFor(async () => inFlight(await markedInFlight()), { timeoutMs: 60_000, what });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  };
  /** Until a sync finds these messages' deaths counted and rested (timings.suspectRestMs). */
  const suspectsRested = (ids: string[]) =>
    waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          `select 1 from messages_in_flight
            where mailbox_id = $1 and gmail_message_id = any($2)
              and (started_at is not null
                   or updated_at > now() - $3::int * interval '1 millisecond')`,
          [mailboxId, ids, e2e.deps.config.timings.suspectRestMs],
        );
        return rows.length === 0;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the suspects rested' },
    );
  const markedInFlight = async () =>
    (
      await e2e.database.pool.query<{ id: string }>(
        `select gmail_message_id as id from messages_in_flight
          where mailbox_id = $1 and started_at is not null`,
        [mailboxId],
      )
    ).rows.map((r) => r.id);
  const activitiesOf = async (ids: string[]) =>
    (
      await e2e.database.pool.query<{ id: string }>(
        'select gmail_message_id as id from activities where gmail_message_id = any($1)',
        [ids],
      )
    ).rows.map((r) => r.id);
  const deliver = async (subject: string) =>
    (await e2e.deliver(OWNER, rawMail({ from: CLIENT, to: OWNER, subject }))).id;

  it('when the sync process dies twice with one message in flight, then that message is dead-lettered and the others are logged once', {
    timeout: 180_000,
  }, async () => {
    const first = await deliver('before the killer');
    const killer = await deliver('the killer');
    const last = await deliver('after the killer');
    const batch = [first, killer, last];
    // Each Gmail call takes 4 s: long enough to see a batch in flight and kill it there.
    await e2e.simControl('faults', { method: 'PUT', body: { latency_ms: 4_000 } });

    // The first death: the whole batch was in flight; nothing was stored, the cursor stayed.
    await killWhen((ids) => batch.every((id) => ids.includes(id)), 'the batch in flight');
    expect(await activitiesOf(batch)).toEqual([]);

    // The next sync finds that death and lets them rest (nothing fetched); once rested, the next
    // tries each of them alone; the second death comes with the killer in flight, so only the
    // killer is blamed again (a mail tried alone before it is logged by now).
    await expect(syncHere()).rejects.toThrow(/will retry/);
    await suspectsRested(batch);
    await killWhen((ids) => ids.length === 1 && ids[0] === killer, 'the killer alone in flight');
    await e2e.resetFaults();

    const outcome = await syncHere();
    expect(outcome.kind).toBe('synced');
    const { rows: letters } = await e2e.database.pool.query(
      'select gmail_message_id, reason from dead_letters where mailbox_id = $1',
      [mailboxId],
    );
    expect(letters).toEqual([
      { gmail_message_id: killer, reason: expect.stringMatching(/^crashed_process: 2 /) },
    ]);
    expect((await activitiesOf(batch)).sort()).toEqual([first, last].sort());
    const { rows: events } = await e2e.database.pool.query(
      `select payload->>'gmail_message_id' as id from events
        where mailbox_id = $1 and type = 'activity.logged' and payload->>'gmail_message_id' = any($2)`,
      [mailboxId, batch],
    );
    expect(events.map((e) => e.id).sort()).toEqual([first, last].sort());
    const { rows: left } = await e2e.database.pool.query(
      'select gmail_message_id from messages_in_flight where mailbox_id = $1',
      [mailboxId],
    );
    expect(left).toEqual([]);
    const { rows: mailbox } = await e2e.database.pool.query(
      'select status, history_id::text from mailboxes where id = $1',
      [mailboxId],
    );
    expect(mailbox[0]?.status).toBe('active');
    const line = e2e.logs.lines.find((l) => l.includes('messages dead-lettered'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ by_reason: { crashed_process: 1 } });

    // Dead-lettered, it is not fetched again: the next sync logs new mail past it.
    const next = await deliver('mail after the dead letter');
    await syncHere();
    expect(await activitiesOf([killer, next])).toEqual([next]);
  });

  it('when one crash left a mark on one message, then the rest is logged at once and it is tried again once rested, logged once, nothing dead-lettered', async () => {
    const marked = await deliver('marked by one crash');
    const other = await deliver('beside the marked one');
    // As a process that died fetching it leaves it: marked, nothing stored, the cursor unmoved.
    await markInFlight(e2e.deps.database.db, mailboxId, [marked]);

    // Its death just found: it rests (a crash loop from elsewhere must not blame it), the other
    // mail is logged, and the sync asks to be tried again without moving the cursor past it.
    await expect(syncHere()).rejects.toThrow(/will retry/);
    expect(await activitiesOf([marked, other])).toEqual([other]);
    await suspectsRested([marked]);
    await syncHere();

    expect((await activitiesOf([marked, other])).sort()).toEqual([marked, other].sort());
    const { rows: letters } = await e2e.database.pool.query(
      'select 1 from dead_letters where gmail_message_id = any($1)',
      [[marked, other]],
    );
    expect(letters).toEqual([]);
    expect(await markedInFlight()).toEqual([]);
    const { rows: left } = await e2e.database.pool.query(
      'select gmail_message_id from messages_in_flight where mailbox_id = $1',
      [mailboxId],
    );
    expect(left).toEqual([]);
  });
});
