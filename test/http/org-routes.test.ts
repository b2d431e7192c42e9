import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { crmToken } from '../support/crm-token.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const ROUTES: [string, string, unknown?][] = [
  ['GET', '/org/settings'],
  ['PUT', '/org/settings', { max_visibility: 'subject' }],
  ['GET', '/org/workspace'],
  ['PUT', '/org/workspace', { domain: 'acme.test', admin_email: 'a@acme.test', users: 'all' }],
  ['DELETE', '/org/workspace'],
  ['GET', '/org/mailboxes'],
  ['GET', '/org/erasures'],
  ['POST', '/org/erasures', { email: 'someone@person.test' }],
];

describe('the org routes, without domain-wide delegation configured', () => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const call = async (method: string, path: string, body: unknown, admin: boolean) => {
    const token = await crmToken({ sub: 'u1', org: 'org-1', admin });
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
  };

  it('when a CRM user who is not an admin calls any of them, then 403 and nothing changes', async () => {
    for (const [method, path, body] of ROUTES) {
      const res = await call(method, path, body, false);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error?.code).toBe('forbidden');
    }
    const { rows } = await database.pool.query(
      'select (select count(*) from org_settings)::int + (select count(*) from erasures)::int as n',
    );
    expect(rows[0].n).toBe(0);
  });

  it('when an admin connects a Workspace with no GOOGLE_DELEGATION_SERVICE_ACCOUNT, then 503 delegation_unconfigured', async () => {
    const res = await call('PUT', '/org/workspace', ROUTES[3]?.[2], true);
    expect(res).toEqual({
      status: 503,
      body: {
        error: {
          code: 'delegation_unconfigured',
          message:
            'domain-wide delegation is not configured: GOOGLE_DELEGATION_SERVICE_ACCOUNT is unset',
        },
      },
    });
  });

  it('when the bodies are wrong, then 400 naming the field', async () => {
    const bad: [string, string, unknown][] = [
      ['POST', '/org/erasures', { email: 'not an address' }],
      ['POST', '/org/erasures', { email: 'a@b.test', extra: 1 }],
      ['PUT', '/org/mailboxes/not-a-uuid/members', { user_ids: [] }],
      ['PUT', '/org/mailboxes/7b0d4c5e-3f7a-4f0b-9a51-6c1f2f0a9e11/members', { user_ids: [''] }],
      ['PUT', '/org/settings', { max_visibility: 'everything' }],
    ];
    for (const [method, path, body] of bad) {
      const res = await call(method, path, body, true);
      expect(res.status, `${method} ${path}`).toBe(400);
    }
    const missing = await call(
      'PUT',
      '/org/mailboxes/7b0d4c5e-3f7a-4f0b-9a51-6c1f2f0a9e11/members',
      { user_ids: ['u2'] },
      true,
    );
    expect(missing.status).toBe(404);
  });
});

describe('PUT /org/workspace with delegation configured', () => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase();
    const deps = makeTestDeps(database, {
      GOOGLE_DELEGATION_SERVICE_ACCOUNT: 'sync@p.iam.gserviceaccount.com',
    });
    server = await listen(createApp(deps));
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('when the admin or a listed user is outside the domain, then 400 and nothing is stored', async () => {
    const token = await crmToken({ sub: 'u1', org: 'org-1', admin: true });
    for (const body of [
      { domain: 'acme.test', admin_email: 'boss@other.test', users: 'all' },
      { domain: 'acme.test', admin_email: 'boss@acme.test', users: { emails: ['x@evil.test'] } },
      { domain: 'not a domain', admin_email: 'boss@acme.test', users: 'all' },
      { domain: 'acme.test', admin_email: 'boss@acme.test', users: 'some' },
    ]) {
      const res = await fetch(`${server.url}/org/workspace`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const { rows } = await database.pool.query('select count(*)::int as n from workspaces');
    expect(rows[0].n).toBe(0);
  });
});
