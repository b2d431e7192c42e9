import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { databaseUrlFor } from '../support/database-url.ts';

describe('migrations', () => {
  const name = `gs_empty_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: inject('serverUrl') });
  const url = databaseUrlFor(inject('serverUrl'), name);

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create database ${name}`);
  });
  afterAll(async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('when applied to an empty database twice, then every table exists and the second run changes nothing', async () => {
    await migrateDatabase(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          'activities',
          'activity_links',
          'contacts',
          'crm_entity_emails',
          'dead_letters',
          'deals',
          'events',
          'idempotency_keys',
          'leads',
          'mailboxes',
          'oauth_states',
        ]),
      );
      const before = await client.query('select count(*) from drizzle.__drizzle_migrations');
      await migrateDatabase(url);
      const after = await client.query('select count(*) from drizzle.__drizzle_migrations');
      expect(after.rows).toEqual(before.rows);
    } finally {
      await client.end();
    }
  });

  it('when migrations run concurrently, then both succeed and each migration is recorded once', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const count = async () =>
        (await client.query('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]
          .n;
      const before = await count();
      await expect(Promise.all([migrateDatabase(url), migrateDatabase(url)])).resolves.toEqual([
        undefined,
        undefined,
      ]);
      expect(await count()).toBe(before);
    } finally {
      await client.end();
    }
  });
});
