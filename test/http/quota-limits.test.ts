// Issue 27 #10: every route that spends a mailbox's Gmail quota or fans out across the org's
// mailboxes has a per-caller limit, and repeated record changes coalesce.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { crmToken } from '../support/crm-token.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const ORG = 'org-limits';
const ACTIVITY = '44444444-4444-4444-8444-444444444444';
const ENTITY = '55555555-5555-4555-8555-555555555555';

describe('per-caller limits on what costs quota or fans out', () => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const call = async (sub: string, path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await crmToken({ sub, org: ORG })}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  };

  /** Date stands still, so no bucket refills however slowly the requests go. */
  const frozen = () => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });

  it.each([
    ['an attachment download', `/activities/${ACTIVITY}/attachments/0`, 30],
    ['a whole text read from Gmail (?full=1)', `/activities/${ACTIVITY}?full=1`, 30],
  ])(
    'when a caller asks for %s past the limit, then 429 with Retry-After',
    async (_, path, burst) => {
      frozen();
      const user = `u-${path.length}-${burst}`;
      const answers = [];
      for (let i = 0; i <= burst; i++) answers.push(await call(user, path));
      expect(answers.slice(0, burst).every((a) => a.status === 404)).toBe(true);
      expect(answers[burst]?.status).toBe(429);
      expect(Number(answers[burst]?.retryAfter)).toBeGreaterThan(0);
      // Another caller has a bucket of their own; reading the stored activity costs no quota.
      expect((await call('u-other', path)).status).toBe(404);
      expect((await call(user, `/activities/${ACTIVITY}`)).status).toBe(404);
    },
  );

  it('when a caller asks for syncs past the limit, then 429', async () => {
    frozen();
    const answers = [];
    for (let i = 0; i <= 10; i++)
      answers.push(await call('u-sync', '/integrations/gmail/sync', 'POST', { full: true }));
    expect(answers.slice(0, 10).every((a) => a.status === 404)).toBe(true);
    expect(answers[10]?.status).toBe(429);
  });

  it('when a caller says records changed past the limit, then 429, and changes to one record coalesce', async () => {
    frozen();
    const body = { entity_type: 'contact', entity_id: ENTITY };
    const answers = [];
    for (let i = 0; i <= 20; i++)
      answers.push(await call('u-crm', '/crm/entities/changed', 'POST', body));
    expect(answers.slice(0, 20).every((a) => a.status === 202)).toBe(true);
    expect(answers[20]?.status).toBe(429);
    const { rows } = await database.pool.query(
      'select count(*)::int as n from crm_entity_changes where org_id = $1 and $2 = any(entity_ids)',
      [ORG, ENTITY],
    );
    expect(rows[0].n).toBe(1);
  });
});
