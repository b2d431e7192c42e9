import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAILBOX_STATUSES, type MailboxStatus } from '../../src/db/schema.ts';
import {
  canTransition,
  checkedTransition,
  IllegalTransition,
  MAILBOX_TRANSITIONS,
  type MailboxEvent,
  parseStatus,
  transition,
} from '../../src/mailbox/mailbox-states.ts';
import { getMailbox, type Mailbox } from '../../src/mailbox/mailbox-store.ts';
import {
  markDisconnected,
  markMailboxRevoked,
  markNeedsAdmin,
  markSyncFailed,
  markSyncHealthy,
  restoreDelegation,
  storeConnection,
} from '../../src/mailbox/mailbox-transitions.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

let n = 0;
/** A mailbox in `status`, with a last error so that even an `active` one has something to clear. */
async function mailboxIn(status: MailboxStatus): Promise<Mailbox> {
  n += 1;
  const { rows } = await database.pool.query<{ id: string }>(
    `insert into mailboxes (org_id, user_id, email, status, last_error, history_id)
     values ('org-t', $1, $2, $3, 'earlier', 100) returning id`,
    [`u-${n}`, `owner${n}@vendor.test`, status],
  );
  const mailbox = await getMailbox(database.db, rows[0]?.id ?? '');
  if (!mailbox) throw new Error('not stored');
  return mailbox;
}

const eventsOf = async (mailboxId: string) =>
  (
    await database.pool.query<{ type: string }>(
      'select type from events where mailbox_id = $1 order by id',
      [mailboxId],
    )
  ).rows.map((r) => r.type);

const connection = (m: Mailbox) => ({
  userId: m.userId,
  lastError: null,
  errorCount: 0,
  connectedAt: new Date(),
});

/** Each event's statement, applied to a mailbox read from the database. */
const apply: Record<MailboxEvent, (m: Mailbox) => Promise<unknown>> = {
  connected: (m) =>
    database.db.transaction((tx) =>
      storeConnection(
        tx,
        'connected',
        { id: m.id, orgId: m.orgId, email: m.email },
        m,
        connection(m),
      ),
    ),
  delegated: (m) =>
    database.db
      .transaction((tx) =>
        storeConnection(tx, 'delegated', { id: m.id, orgId: m.orgId, email: m.email }, m, {
          ...connection(m),
          connectedVia: 'workspace',
        }),
      )
      .catch((error: unknown) => {
        // A status read from the database that the event cannot leave: refused before any write.
        if (!(error instanceof IllegalTransition)) throw error;
      }),
  delegation_restored: (m) => restoreDelegation(database.db, m.id),
  synced: (m) => markSyncHealthy(database.db, m),
  sync_failed: (m) => markSyncFailed(database.db, m, 'a sync failed'),
  account_unavailable: (m) => markNeedsAdmin(database.db, m, 'the account is suspended'),
  grant_revoked: (m) => markMailboxRevoked(database.db, m, 'invalid_grant'),
  disconnected: (m) => markDisconnected(database.db, m, m.userId),
};

describe('the mailbox state machine, written to PostgreSQL', () => {
  for (const [event, rule] of Object.entries(MAILBOX_TRANSITIONS) as [
    MailboxEvent,
    (typeof MAILBOX_TRANSITIONS)[MailboxEvent],
  ][]) {
    for (const from of MAILBOX_STATUSES) {
      const allowed = canTransition(event, from);
      it(`when ${event} comes to a mailbox in ${from}, then it ${allowed ? `moves to ${rule.to}` : 'stays'}`, async () => {
        const mailbox = await mailboxIn(from);
        await apply[event](mailbox);
        const after = await getMailbox(database.db, mailbox.id);
        expect(after?.status).toBe(allowed ? rule.to : from);
        if (!allowed) expect(after?.updatedAt).toEqual(mailbox.updatedAt);
      });
    }
  }

  it('when a status write is refused, then the CRM is told nothing; when repeated, it is told once', async () => {
    const revoked = await mailboxIn('revoked');
    await markSyncFailed(database.db, revoked, 'late failure');
    await markNeedsAdmin(database.db, revoked, 'late probe');
    await markMailboxRevoked(database.db, revoked, 'again');
    expect(await eventsOf(revoked.id)).toEqual([]);

    const active = await mailboxIn('active');
    await markNeedsAdmin(database.db, active, 'suspended');
    await markNeedsAdmin(database.db, active, 'suspended');
    await markDisconnected(database.db, active, active.userId);
    await markDisconnected(database.db, active, active.userId);
    expect(await eventsOf(active.id)).toEqual(['mailbox.needs_admin', 'mailbox.disconnected']);
  });

  it('when a sync fails twice in a row, then the error count grows and the CRM is told once', async () => {
    const mailbox = await mailboxIn('active');
    await markSyncFailed(database.db, mailbox, 'first');
    await markSyncFailed(database.db, mailbox, 'second');
    const after = await getMailbox(database.db, mailbox.id);
    expect({ status: after?.status, errors: after?.errorCount, last: after?.lastError }).toEqual({
      status: 'error',
      errors: 2,
      last: 'second',
    });
    expect(await eventsOf(mailbox.id)).toEqual(['mailbox.error']);
    await markSyncHealthy(database.db, mailbox);
    const healthy = await getMailbox(database.db, mailbox.id);
    expect({
      status: healthy?.status,
      errors: healthy?.errorCount,
      next: healthy?.nextRetryAt,
    }).toEqual({ status: 'active', errors: 0, next: null });
  });
});

describe('the transition rules', () => {
  it('when a state comes from the database, then one the event cannot leave is refused', () => {
    expect(checkedTransition('synced', 'error')).toBe('active');
    expect(() => checkedTransition('synced', 'revoked')).toThrow(IllegalTransition);
    expect(() => checkedTransition('synced', 'paused')).toThrow(IllegalTransition);
    expect(() => parseStatus('paused')).toThrow('unknown mailbox status');
    expect(parseStatus('needs_admin')).toBe('needs_admin');
  });

  it('when a state is written in the code, then the compiler refuses one the event cannot leave', () => {
    expect(transition('connected', 'new')).toBe('syncing');
    // @ts-expect-error: a revoked mailbox is not synced back to active.
    expect(() => transition('synced', 'revoked')).toThrow(IllegalTransition);
    // @ts-expect-error: only a revoked delegation is restored.
    expect(() => transition('delegation_restored', 'active')).toThrow(IllegalTransition);
  });

  it('when a mailbox is disconnected, then no event but a connection leaves that state', () => {
    const leaving = (Object.keys(MAILBOX_TRANSITIONS) as MailboxEvent[]).filter((e) =>
      canTransition(e, 'disconnected'),
    );
    expect(leaving.sort()).toEqual(['connected', 'delegated']);
  });
});
