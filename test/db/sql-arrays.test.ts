import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/orm.ts';
import { sqlArray } from '../../src/db/sql-arrays.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('array parameters', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const roundTrip = async (values: (string | null)[]) => {
    const { rows } = await database.db.execute<{ v: string | null; n: string }>(
      sql`select v, n from unnest(${sqlArray(values, 'text')}) with ordinality as t(v, n) order by n`,
    );
    return rows.map((r) => r.v);
  };

  it('when values hold quotes, commas, braces, backslashes, spaces and NULL, then each element comes back exactly', async () => {
    const hostile = [
      'plain',
      'a,b',
      '"quoted"',
      "it's",
      '{braced}',
      '}{',
      'back\\slash',
      '\\"',
      ' spaced ',
      'NULL',
      '',
      null,
      "'); drop table mailboxes; --",
      'ünïcödé ✉',
    ];
    expect(await roundTrip(hostile)).toEqual(hostile);
  });

  it('when the list is empty, then the array is empty and = any matches nothing', async () => {
    expect(await roundTrip([])).toEqual([]);
    const { rows } = await database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from (values ('x')) as t(v) where v = any(${sqlArray([], 'text')})`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('when a value looks like a wildcard or another element, then = any matches only the exact value', async () => {
    const { rows } = await database.db.execute<{ v: string }>(sql`
      select v from (values ('a'), ('b'), ('a,b'), ('%')) as t(v)
       where v = any(${sqlArray(['a,b', '%'], 'text')}) order by v`);
    expect(rows.map((r) => r.v)).toEqual(['%', 'a,b']);
  });

  it('when typed uuid, bigint and float8, then the elements are cast and a malformed one is refused', async () => {
    const id = '6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f';
    const { rows } = await database.db.execute<{ u: string; b: string; f: number }>(sql`
      select u::text, b::text, f from unnest(${sqlArray([id], 'uuid')}, ${sqlArray([9007199254740993n], 'bigint')},
                                  ${sqlArray([1.5], 'float8')}) as t(u, b, f)`);
    expect(rows).toEqual([{ u: id, b: '9007199254740993', f: 1.5 }]);
    await expect(
      database.db.execute(sql`select ${sqlArray(['not-a-uuid"}'], 'uuid')}`),
    ).rejects.toThrow();
  });
});
