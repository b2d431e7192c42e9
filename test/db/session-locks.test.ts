import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSessionLocks, type SessionLocks } from '../../src/db/session-locks.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';

describe('session locks', () => {
  let database: TestDatabase;
  // Two lock sets stand for two worker processes.
  let one: SessionLocks;
  let two: SessionLocks;

  beforeAll(async () => {
    database = await createTestDatabase();
    one = makeSessionLocks({ connectionString: database.url });
    two = makeSessionLocks({ connectionString: database.url });
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await database.drop();
  });

  it('when one process holds a lock, then neither it nor another can take it until it is released', async () => {
    const release = await one.tryLock('mailbox-sync:a');
    expect(release).toBeTypeOf('function');
    expect(await one.tryLock('mailbox-sync:a')).toBeUndefined();
    expect(await two.tryLock('mailbox-sync:a')).toBeUndefined();
    const other = await two.tryLock('mailbox-sync:b');
    expect(other).toBeTypeOf('function');
    await release?.();
    const again = await two.tryLock('mailbox-sync:a');
    expect(again).toBeTypeOf('function');
    await again?.();
    await other?.();
  });

  it('when the holding session dies, then its locks are free at once and it opens a new session', async () => {
    expect(await one.tryLock('mailbox-sync:c')).toBeTypeOf('function');
    await database.pool.query(
      // Only this file's database: other files run beside it on the same server.
      `select pg_terminate_backend(pid) from pg_locks
        where locktype = 'advisory' and classid = 4713 and granted and pid <> pg_backend_pid()
          and database = (select oid from pg_database where datname = current_database())`,
    );
    // pg_terminate_backend only signals: the session is gone once its locks are.
    await waitFor(async () => {
      const { rows } = await database.pool.query(
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = 4713
            and database = (select oid from pg_database where datname = current_database())`,
      );
      return rows[0].n === 0;
    });
    const taken = await two.tryLock('mailbox-sync:c');
    expect(taken).toBeTypeOf('function');
    await taken?.();
    // The dead session's holder notices and takes the next lock on a new session.
    expect(await one.tryLock('mailbox-sync:d')).toBeTypeOf('function');
  });
});
