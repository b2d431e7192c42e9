// A fresh database for one test file, cloned from the migrated template (fast: no migrations).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { databaseUrlFor } from './database-url.ts';
import { POOL_SIZES } from './pool-sizes.ts';

export interface TestDatabase extends Database {
  url: string;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(opts: { poolSize?: number } = {}): Promise<TestDatabase> {
  const serverUrl = inject('serverUrl');
  const name = `gs_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (admin) =>
    admin.query(`create database ${name} template ${inject('templateDatabase')}`),
  );
  const url = databaseUrlFor(serverUrl, name);
  const database = openDatabase(url, { max: opts.poolSize ?? POOL_SIZES.test });
  return {
    ...database,
    url,
    name,
    drop: async () => {
      await database.close();
      await withAdmin(serverUrl, (admin) =>
        admin.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
