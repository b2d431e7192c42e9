import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { crmToken } from '../support/crm-token.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const METRICS_TOKEN = 'metrics-token-for-the-scraper-0123';

describe('headers and the metrics token', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let open: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database, { METRICS_TOKEN })));
    open = await listen(createApp(makeTestDeps(database)));
  });
  afterAll(async () => {
    await server.close();
    await open.close();
    await database.drop();
  });

  const bearer = async (claims: { sub: string; org: string; admin?: boolean }) => ({
    authorization: `Bearer ${await crmToken(claims)}`,
  });

  it('when any route answers, even with an error, then it says nosniff', async () => {
    for (const path of ['/healthz', '/nowhere', '/activities', '/openapi.json']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('when activities, status or the admin page are answered, then no cache may store them', async () => {
    const user = await bearer({ sub: 'u-h', org: 'org-h', admin: true });
    const answers = await Promise.all([
      fetch(`${server.url}/activities?entity_type=contact&entity_id=${crypto.randomUUID()}`, {
        headers: user,
      }),
      fetch(`${server.url}/integrations/gmail/status`, { headers: user }),
      fetch(`${server.url}/admin`, { headers: user }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const res of answers) expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('when METRICS_TOKEN is set, then /metrics answers only its bearer', async () => {
    const none = await fetch(`${server.url}/metrics`);
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-token-for-the-scraper-0124' },
    });
    const right = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect([none.status, wrong.status, right.status]).toEqual([401, 401, 200]);
    expect(await none.text()).not.toContain('gmail_sync');
    expect(await right.text()).toContain('gmail_sync');
  });

  it('when METRICS_TOKEN is unset, then /metrics is open as before', async () => {
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
  });
});
