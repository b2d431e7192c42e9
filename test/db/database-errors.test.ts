import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { isDatabaseUnavailable } from '../../src/db/database-errors.ts';
import { findFreePort } from '../../src/db/embedded-postgres.ts';
import { sql } from '../../src/db/orm.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// The push endpoint answers 503 (Pub/Sub retries) only for these; anything else is a 500 bug.
describe('database errors', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('when no server listens, then the failure counts as the database being unavailable', async () => {
    const url = new URL(database.url);
    url.port = String(await findFreePort());
    const nowhere = openDatabase(url.toString(), { max: 1 });
    const error = await nowhere.db.execute(sql`select 1`).catch((e: unknown) => e);
    await nowhere.close();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('when the server terminates the session, then the failure counts as unavailable', async () => {
    const one = openDatabase(database.url, { max: 1 });
    const { rows } = await one.pool.query<{ pid: number }>('select pg_backend_pid() as pid');
    const stuck = one.pool.query('select pg_sleep(5)').catch((e: unknown) => e);
    await database.pool.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
    expect(isDatabaseUnavailable(await stuck)).toBe(true);
    await one.close();
  });

  it('when a statement is wrong or a value out of range, then it is a bug or bad data, not unavailability', async () => {
    const syntax = await database.db.execute(sql`selec 1`).catch((e: unknown) => e);
    const range = await database.db
      .execute(sql`select ${'123456789012345678901'}::bigint`)
      .catch((e: unknown) => e);
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    expect(isDatabaseUnavailable(range)).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});
