// The pages a person opens in a browser: the index, the development sign-in, the admin page's
// session cookie (and where it is refused), and what production serves instead.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { crmToken } from '../support/crm-token.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
  PUBLIC_URL: 'https://gmail-sync.example.test',
  GOOGLE_CLIENT_ID: 'client',
  GOOGLE_CLIENT_SECRET: 'secret',
  GMAIL_PUBSUB_TOPIC: 'projects/p/topics/t',
  PUBSUB_PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
  CRM_JWT_SECRET: randomBytes(32).toString('base64'),
  CRM_APP_URL: 'https://crm.example.test/settings/gmail',
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};
const html = { accept: 'text/html,application/xhtml+xml' };

async function signIn(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${url}/dev/sign-in`, {
    method: 'POST',
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
}

const sessionOf = (res: Response) =>
  /gs_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

describe('the pages, in development', () => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('when / is opened, then a page links the sign-in, admin, docs and health, under a strict CSP', async () => {
    const res = await fetch(`${server.url}/`);
    const body = await res.text();
    for (const href of ['/dev/sign-in', '/admin', '/docs', '/healthz'])
      expect(body).toContain(`href="${href}"`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('when a browser without a session opens /admin, then it is sent to the sign-in; an API client gets 401', async () => {
    const browser = await fetch(`${server.url}/admin`, { headers: html, redirect: 'manual' });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/dev/sign-in?next=%2Fadmin');
    expect((await fetch(`${server.url}/admin`)).status).toBe(401);
  });

  it('when an admin signs in, then an HttpOnly SameSite=Strict cookie opens the admin page', async () => {
    const res = await signIn(server.url, { org: 'org-pages', user: 'boss', admin: 'on' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin');
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const admin = await fetch(`${server.url}/admin`, {
      headers: { cookie: `gs_session=${sessionOf(res)}` },
    });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('gmail-sync — org-pages');
    expect(admin.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('when the session cookie is sent to an API route, then it is refused (no CSRF through it)', async () => {
    const session = sessionOf(
      await signIn(server.url, { org: 'org-pages', user: 'boss', admin: 'on' }),
    );
    const headers = { cookie: `gs_session=${session}`, 'content-type': 'application/json' };
    expect((await fetch(`${server.url}/integrations/gmail/status`, { headers })).status).toBe(401);
    const sync = await fetch(`${server.url}/integrations/gmail/sync`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(sync.status).toBe(401);
  });

  it('when the cookie carries a token signed with another secret, then the admin page refuses it', async () => {
    const forged = await crmToken(
      { sub: 'x', org: 'org-pages', admin: true },
      { secret: 'not-the-secret-at-all' },
    );
    const res = await fetch(`${server.url}/admin`, { headers: { cookie: `gs_session=${forged}` } });
    expect(res.status).toBe(401);
  });

  it('when the sign-in is asked to go elsewhere afterwards, then it only goes to a path of its own', async () => {
    for (const next of ['//evil.test/x', 'https://evil.test/', '/\\evil.test'])
      expect(
        (await signIn(server.url, { org: 'o', user: 'u', next })).headers.get('location'),
      ).toBe('/admin');
    expect(
      (await signIn(server.url, { org: 'o', user: 'u', next: '/docs' })).headers.get('location'),
    ).toBe('/docs');
  });
});

describe('the pages, in production', () => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database, PRODUCTION)));
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('when / is asked for, then it says what the service is and where its reference lives', async () => {
    expect(await (await fetch(`${server.url}/`)).json()).toEqual({
      service: 'gmail-sync',
      docs: '/docs',
    });
  });

  it('when the development sign-in is tried, then it does not exist, and /admin without a session is 401', async () => {
    expect((await fetch(`${server.url}/dev/sign-in`)).status).toBe(404);
    expect((await signIn(server.url, { org: 'o', user: 'u', admin: 'on' })).status).toBe(404);
    const admin = await fetch(`${server.url}/admin`, { headers: html, redirect: 'manual' });
    expect(admin.status).toBe(401);
  });

  it("when the CRM's own session cookie carries an admin JWT, then the admin page opens", async () => {
    const token = await crmToken(
      { sub: 'boss', org: 'org-prod', admin: true },
      { secret: PRODUCTION.CRM_JWT_SECRET },
    );
    const res = await fetch(`${server.url}/admin`, {
      headers: { cookie: `other=1; gs_session=${token}` },
    });
    expect(res.status).toBe(200);
  });
});
