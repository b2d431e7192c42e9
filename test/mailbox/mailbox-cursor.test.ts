import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertActivities } from '../../src/activity-store/store-activities.ts';
import { advanceCursor, recordCheck } from '../../src/mailbox/mailbox-cursor.ts';
import { makeSharedStatements } from '../../src/sync/shared-statements.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

let n = 0;
async function mailboxAt(historyId: number | null): Promise<string> {
  n += 1;
  const { rows } = await database.pool.query<{ id: string }>(
    `insert into mailboxes (org_id, user_id, email, history_id)
     values ('org-c', $1, $2, $3) returning id`,
    [`u-${n}`, `cursor${n}@vendor.test`, historyId],
  );
  return rows[0]?.id ?? '';
}

interface CursorRow {
  history_id: string | null;
  last_sync_at: Date | null;
  last_full_sync_at: Date | null;
  quiet_history_id: string | null;
  missed_push_at: Date | null;
  checked_at: Date | null;
}
const row = async (id: string) =>
  (await database.pool.query<CursorRow>('select * from mailboxes where id = $1', [id])).rows[0];

describe('the mailbox cursor', () => {
  it('when a move names an id below the cursor, then the cursor stays and the sync is stamped', async () => {
    const id = await mailboxAt(500);
    await advanceCursor(database.db, { mailboxId: id, historyId: 400 });
    const after = await row(id);
    expect(after?.history_id).toBe('500');
    expect(after?.last_sync_at).not.toBeNull();
    expect(after?.last_full_sync_at).toBeNull();
    await advanceCursor(database.db, { mailboxId: id, historyId: 600 }, { full: true });
    expect(await row(id)).toMatchObject({ history_id: '600', last_full_sync_at: expect.any(Date) });
  });

  it('when Gmail no longer has the history (404), then a reset sets the cursor even backwards', async () => {
    const id = await mailboxAt(900);
    await advanceCursor(database.db, { mailboxId: id, historyId: 300 }, { reset: 'history_gone' });
    expect((await row(id))?.history_id).toBe('300');
  });

  it('when a connection starts the cursor, then it is set and no sync is stamped', async () => {
    const id = await mailboxAt(null);
    await advanceCursor(database.db, { mailboxId: id, historyId: 70 }, { reset: 'connected' });
    expect(await row(id)).toMatchObject({ history_id: '70', last_sync_at: null });
  });

  it('when one batch moves several mailboxes, some twice, then each takes its furthest id', async () => {
    const a = await mailboxAt(10);
    const b = await mailboxAt(50);
    await advanceCursor(database.db, [
      { mailboxId: a, historyId: 30 },
      { mailboxId: b, historyId: 40 },
      { mailboxId: a, historyId: 20 },
      { mailboxId: b, historyId: null },
    ]);
    expect([(await row(a))?.history_id, (await row(b))?.history_id]).toEqual(['30', '50']);
  });

  it('when concurrent syncs move cursors through the shared statements, then each moves forward only', async () => {
    const a = await mailboxAt(100);
    const b = await mailboxAt(100);
    const shared = makeSharedStatements(database.db);
    await Promise.all([
      shared.moveCursor(a, 150),
      shared.moveCursor(b, 90),
      shared.moveCursor(a, 120),
    ]);
    expect([(await row(a))?.history_id, (await row(b))?.history_id]).toEqual(['150', '100']);
  });

  it('when a batch of activities carries the cursor, then the same statement moves it forward only', async () => {
    const id = await mailboxAt(200);
    await insertActivities(database.db, [], { mailboxId: id, historyId: 250 });
    await insertActivities(database.db, [], { mailboxId: id, historyId: 240 });
    expect((await row(id))?.history_id).toBe('250');
  });

  it("when a poll's check finds a quiet id and later a missed push, then both are kept, the quiet id never lowered", async () => {
    const id = await mailboxAt(10);
    await recordCheck(database.db, id, { missedPush: false, quietId: 40 });
    await recordCheck(database.db, id, { missedPush: false, quietId: 30 });
    expect(await row(id)).toMatchObject({ quiet_history_id: '40', missed_push_at: null });
    await recordCheck(database.db, id, { missedPush: true });
    expect(await row(id)).toMatchObject({
      quiet_history_id: '40',
      missed_push_at: expect.any(Date),
      checked_at: expect.any(Date),
    });
  });
});
