import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { crmToken } from '../support/crm-token.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('a tampered /activities cursor', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
    token = await crmToken({ sub: 'u-cursor', org: 'org-cursor' });
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const list = (cursor: string) =>
    fetch(
      `${server.url}/activities?entity_type=contact&entity_id=${randomUUID()}&cursor=${encodeURIComponent(cursor)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );

  it.each([
    ['garbage base64', '%%%not-base64%%%'],
    ['valid base64 of garbage JSON', b64('{"created_at":')],
    ['JSON with wrong types', b64(JSON.stringify([42, { id: true }]))],
    ['an object instead of a pair', b64(JSON.stringify({ a: 1 }))],
    ['a null', b64('null')],
    ['a year PostgreSQL refuses', b64(JSON.stringify(['0000-01-01T00:00:00.000Z', randomUUID()]))],
    ['an extended year', b64(JSON.stringify(['+275760-09-13T00:00:00.000Z', randomUUID()]))],
    [
      'a month that does not exist',
      b64(JSON.stringify(['2026-13-45T00:00:00.000Z', randomUUID()])),
    ],
    ['a date with no time zone', b64(JSON.stringify(['2026-02-30 25:00', randomUUID()]))],
    ['an id of dashes only', b64(JSON.stringify(['2026-01-01T00:00:00.000Z', '-'.repeat(36)]))],
  ])('when the cursor is %s, then the answer is 400 invalid_cursor', async (_what, cursor) => {
    const res = await list(cursor);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_cursor');
  });

  it('when the cursor is one the API could have returned, then the page is answered', async () => {
    const res = await list(b64(JSON.stringify(['2026-01-01T00:00:00.000Z', randomUUID()])));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [], next_cursor: null });
  });
});
