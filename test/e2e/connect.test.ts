import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmToken } from '../support/crm-token.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { waitFor } from '../support/wait-for.ts';

const ana = { sub: 'user-ana', org: 'org-1', name: 'Ana Lima' };
const bruno = { sub: 'user-bruno', org: 'org-1', name: 'Bruno' };

describe('connecting a Gmail mailbox', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when a CRM call has no token, a tampered one, an expired one or alg none, then it is refused with 401', async () => {
    const path = '/integrations/gmail/status';
    expect((await e2e.api(path)).status).toBe(401);
    const good = await crmToken(ana);
    const tampered = `${good.slice(0, -4)}AAAA`;
    const expired = await crmToken(ana, { expiresIn: '-1m' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ sub: 'x', org: 'org-1', exp: 9_999_999_999 }),
    ).toString('base64url');
    const otherSecret = await new SignJWT({ sub: 'x', org: 'org-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-of-enough-length'));
    for (const token of [tampered, expired, `${header}.${body}.`, otherSecret]) {
      const res = await e2e.api(path, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('when the user consents, then the connect URL asks for offline access with PKCE and the callback connects the mailbox', async () => {
    const res = await e2e.api('/integrations/gmail/connect?login_hint=ana@acme.test', {
      user: ana,
    });
    expect(res.status).toBe(200);
    const authUrl = new URL(((await res.json()) as { auth_url: string }).auth_url);
    expect(authUrl.searchParams.get('access_type')).toBe('offline');
    expect(authUrl.searchParams.get('prompt')).toBe('consent');
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('login_hint')).toBe('ana@acme.test');
    // SYNC_CALENDAR is on by default: the calendar's events are asked too (optional).
    expect(authUrl.searchParams.get('scope')?.split(' ').sort()).toEqual([
      'https://www.googleapis.com/auth/calendar.events.readonly',
      'https://www.googleapis.com/auth/gmail.readonly',
      'https://www.googleapis.com/auth/gmail.send',
    ]);

    const callback = await e2e.connect(ana, 'ana@acme.test');
    expect(callback.status).toBe(200);
    expect(await callback.json()).toEqual({ message: 'Gmail connected', email: 'ana@acme.test' });

    const status = (await (
      await e2e.api('/integrations/gmail/status', { user: ana })
    ).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ connected: true, email: 'ana@acme.test', last_error: null });
    expect(['active', 'syncing']).toContain(status.status);
    expect(Date.parse(String(status.watch_expires_at))).toBeGreaterThan(
      Date.now() + 6 * 24 * 3600_000,
    );
    const watch = (await (await e2e.simControl('mailboxes/ana@acme.test/watch')).json()) as {
      active: boolean;
    };
    expect(watch.active).toBe(true);
  });

  it('when the state is replayed, forged or missing, then the callback answers 400 and stores nothing', async () => {
    const res = await e2e.api('/integrations/gmail/connect?login_hint=carla@acme.test', {
      user: bruno,
    });
    const authUrl = ((await res.json()) as { auth_url: string }).auth_url;
    const consent = await fetch(authUrl, { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location') ?? '');
    expect((await fetch(callback)).status).toBe(200);

    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('state_reused');

    callback.searchParams.set('state', 'forged-state-value');
    const forged = await fetch(callback);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('state_invalid');
  });

  it('when the state has expired, then the callback refuses it', async () => {
    const user = { sub: 'user-exp', org: 'org-1' };
    const res = await e2e.api('/integrations/gmail/connect?login_hint=exp@acme.test', { user });
    const authUrl = ((await res.json()) as { auth_url: string }).auth_url;
    const consent = await fetch(authUrl, { redirect: 'manual' });
    await e2e.database.pool.query(
      `update oauth_states set expires_at = now() - interval '1 second'`,
    );
    const callback = await fetch(consent.headers.get('location') ?? '');
    expect(callback.status).toBe(400);
    expect(((await callback.json()) as { error: { code: string } }).error.code).toBe(
      'state_expired',
    );
    const { rows } = await e2e.database.pool.query(
      `select 1 from mailboxes where email = 'exp@acme.test'`,
    );
    expect(rows).toHaveLength(0);
  });

  it('when the user denies access, then nothing is stored and the reason is given', async () => {
    const user = { sub: 'user-deny', org: 'org-1' };
    await e2e.simControl('mailboxes/deny@acme.test/consent', {
      method: 'PUT',
      body: { deny: true },
    });
    const callback = await e2e.connect(user, 'deny@acme.test');
    expect(callback.status).toBe(400);
    expect(((await callback.json()) as { error: { code: string } }).error.code).toBe(
      'access_denied',
    );
    const { rows } = await e2e.database.pool.query(
      `select 1 from mailboxes where email = 'deny@acme.test'`,
    );
    expect(rows).toHaveLength(0);
  });

  // Issue 27 #10: anyone can put `?error=…&state=S` in a URL; it must not use S up.
  it('when an unauthenticated GET carries an error and a live state, then the state stays usable by its owner', async () => {
    const user = { sub: 'user-error-first', org: 'org-1' };
    const res = await e2e.api('/integrations/gmail/connect?login_hint=errfirst@acme.test', {
      user,
    });
    const authUrl = new URL(((await res.json()) as { auth_url: string }).auth_url);
    const state = authUrl.searchParams.get('state') ?? '';
    const forged = await fetch(
      `${e2e.url}/integrations/gmail/callback?error=access_denied&state=${encodeURIComponent(state)}`,
    );
    expect(forged.status).toBe(400);
    const consent = await fetch(authUrl, { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
    expect(callback.status).toBe(200);
    expect(((await callback.json()) as { email: string }).email).toBe('errfirst@acme.test');
  });

  it('when the user unticks the send scope, then the mailbox connects read-only', async () => {
    const user = { sub: 'user-partial', org: 'org-1' };
    await e2e.simControl('mailboxes/partial@acme.test/consent', {
      method: 'PUT',
      body: { untick: ['https://www.googleapis.com/auth/gmail.send'] },
    });
    const callback = await e2e.connect(user, 'partial@acme.test');
    expect(callback.status).toBe(200);
    const body = (await callback.json()) as { message: string; email: string };
    expect(body.email).toBe('partial@acme.test');
    expect(body.message).toContain('read-only');
    const status = (await (await e2e.api('/integrations/gmail/status', { user })).json()) as {
      scopes: string[];
    };
    expect(status.scopes).toEqual([
      'https://www.googleapis.com/auth/gmail.readonly',
      'https://www.googleapis.com/auth/calendar.events.readonly',
    ]);
  });

  it('when another user connects an address already connected, then it is refused with 409 and the new grant revoked', async () => {
    const res = await e2e.connect({ sub: 'user-thief', org: 'org-2' }, 'ana@acme.test');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('address_taken');
    const stats = (await (await e2e.simControl('stats')).json()) as {
      users: Record<string, { calls: Record<string, number> }>;
    };
    expect(stats.users['ana@acme.test']?.calls['oauth.revoke']).toBe(1);
  });

  it('when the grant is revoked at Google, then the next refresh marks the mailbox revoked with an event', async () => {
    const user = { sub: 'user-rev', org: 'org-1' };
    expect((await e2e.connect(user, 'rev@acme.test')).status).toBe(200);
    await e2e.simControl('mailboxes/rev@acme.test/revoke', { method: 'POST' });
    await e2e.simControl('mailboxes/rev@acme.test/expire-tokens', { method: 'POST' });
    const { rows } = await e2e.database.pool.query(
      `select id from mailboxes where email = 'rev@acme.test'`,
    );
    e2e.deps.mailboxAuth.forget(rows[0].id);
    await e2e.api('/integrations/gmail/sync', { user, method: 'POST', body: '{}' });
    const status = await waitForStatus(e2e, user, 'revoked');
    expect(status.last_error).toMatch(/invalid_grant/);
    const events = await e2e.database.pool.query(
      `select payload from events where type = 'mailbox.revoked' and mailbox_id = $1`,
      [rows[0].id],
    );
    expect(events.rows).toHaveLength(1);
  });

  it('when the user disconnects twice, then the watch stops, the token is revoked, tokens are shredded, and both answer 200', async () => {
    const user = { sub: 'user-dis', org: 'org-1' };
    expect((await e2e.connect(user, 'dis@acme.test')).status).toBe(200);
    const first = await e2e.api('/integrations/gmail/disconnect', { user, method: 'DELETE' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ disconnected: true, revoked_at_google: true });
    const second = await e2e.api('/integrations/gmail/disconnect', { user, method: 'DELETE' });
    expect(second.status).toBe(200);
    const { rows } = await e2e.database.pool.query(
      `select status, sealed_tokens, wrapped_key from mailboxes where email = 'dis@acme.test'`,
    );
    expect(rows).toEqual([{ status: 'disconnected', sealed_tokens: null, wrapped_key: null }]);
    const watch = (await (await e2e.simControl('mailboxes/dis@acme.test/watch')).json()) as {
      active: boolean;
    };
    expect(watch.active).toBe(false);
    const status = (await (await e2e.api('/integrations/gmail/status', { user })).json()) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({ connected: false, status: 'disconnected' });
  });
});

async function waitForStatus(e2e: E2E, user: { sub: string; org: string }, status: string) {
  return waitFor(
    async () => {
      const body = (await (await e2e.api('/integrations/gmail/status', { user })).json()) as Record<
        string,
        unknown
      >;
      return body.status === status && body;
    },
    { intervalMs: 50, what: `status ${status}` },
  );
}
