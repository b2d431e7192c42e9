// The consent flow as deployed (CRM_APP_URL set): Google's redirect only sends the browser on to the
// CRM, and the CRM's page finishes under its own user's token. A consent link someone else opens,
// another account, missing read access or an address already taken store nothing and give the
// grant back to Google.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';

const APP_URL = 'https://crm.example.test/settings?tab=gmail';
const READONLY = 'https://www.googleapis.com/auth/gmail.readonly';
const SEND = 'https://www.googleapis.com/auth/gmail.send';
/** Asked too while SYNC_CALENDAR is on (the default). */
const CALENDAR = 'https://www.googleapis.com/auth/calendar.events.readonly';

describe('finishing a Gmail connection in the CRM', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ env: { CRM_APP_URL: APP_URL } });
  });
  afterAll(async () => {
    await e2e.close();
  });

  /** The user asks for a consent URL; `consenter` (the hinted account unless said) consents. */
  async function consent(user: TestUser, hint: string, consenter = hint) {
    const res = await e2e.api(
      `/integrations/gmail/connect?login_hint=${encodeURIComponent(hint)}`,
      {
        user,
      },
    );
    const authUrl = new URL(((await res.json()) as { auth_url: string }).auth_url);
    // Google's account chooser: the person at the screen may pick another account than the hint.
    authUrl.searchParams.set('login_hint', consenter);
    const google = await fetch(authUrl, { redirect: 'manual' });
    const callback = await fetch(google.headers.get('location') ?? '', { redirect: 'manual' });
    const crmPage = new URL(callback.headers.get('location') ?? '');
    return { callback, crmPage };
  }

  async function finish(user: TestUser, crmPage: URL) {
    const res = await e2e.api('/integrations/gmail/callback', {
      user,
      method: 'POST',
      body: JSON.stringify({
        code: crmPage.searchParams.get('code'),
        state: crmPage.searchParams.get('state'),
      }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const errorCode = (body: Record<string, unknown>) => (body.error as { code: string }).code;
  const stored = async (email: string) =>
    (await e2e.database.pool.query('select 1 from mailboxes where email = $1', [email])).rowCount;
  const revocations = async (email: string) => {
    const stats = (await (await e2e.simControl('stats')).json()) as {
      users: Record<string, { calls: Record<string, number> }>;
    };
    return stats.users[email]?.calls['oauth.revoke'] ?? 0;
  };

  it("when a victim consents on another user's link, then the callback only redirects and the victim's CRM session is refused before the code is exchanged", async () => {
    const attacker = { sub: 'user-mallory', org: 'org-x' };
    const victim = { sub: 'user-victor', org: 'org-v' };
    const { callback, crmPage } = await consent(attacker, 'victor@victim.test');

    expect(callback.status).toBe(302);
    expect(`${crmPage.origin}${crmPage.pathname}`).toBe('https://crm.example.test/settings');
    expect(crmPage.searchParams.get('tab')).toBe('gmail');
    expect(crmPage.searchParams.get('gmail')).toBe('callback');
    expect(crmPage.searchParams.get('code')).toMatch(/^4\/0/);
    expect(await stored('victor@victim.test')).toBe(0);

    const refused = await finish(victim, crmPage);
    expect(refused.status).toBe(403);
    expect(errorCode(refused.body)).toBe('state_user_mismatch');
    expect(await stored('victor@victim.test')).toBe(0);
    // Refused before the exchange: no token was ever issued, so there is none to revoke.
    expect(await revocations('victor@victim.test')).toBe(0);

    // The victim's own connection is not blocked by the attempt.
    const own = await consent(victim, 'victor@victim.test');
    expect((await finish(victim, own.crmPage)).status).toBe(200);
  });

  // Issue 27 #10: who finishes is checked before the state is used up.
  it('when a leaked code and state are tried first by another user, then the owner still finishes', async () => {
    const owner = { sub: 'user-leak-owner', org: 'org-1' };
    const thief = { sub: 'user-leak-thief', org: 'org-1' };
    const { crmPage } = await consent(owner, 'leak@acme.test');
    const refused = await finish(thief, crmPage);
    expect([refused.status, errorCode(refused.body)]).toEqual([403, 'state_user_mismatch']);
    const done = await finish(owner, crmPage);
    expect(done.status).toBe(200);
    expect(done.body.email).toBe('leak@acme.test');
  });

  it('when eight users finish a connection to one address at the same time, then one connects and the others get 409, never 500', async () => {
    const users = Array.from({ length: 8 }, (_, i) => ({
      sub: `user-race-${i}`,
      org: `org-race-${i}`,
    }));
    const pages: { crmPage: URL }[] = [];
    for (const u of users) pages.push(await consent(u, 'race@acme.test'));
    const answers = await Promise.all(users.map((u, i) => finish(u, pages[i]?.crmPage as URL)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(7).fill(409)]);
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => errorCode(a.body)))).toEqual(
      new Set(['address_taken']),
    );
  });

  it('when the user who asked finishes, then the mailbox connects with its scopes, and the same state again is refused', async () => {
    const ana = { sub: 'user-ana', org: 'org-1' };
    const { crmPage } = await consent(ana, 'ana@acme.test');
    const done = await finish(ana, crmPage);
    expect(done).toEqual({
      status: 200,
      body: {
        message: 'Gmail connected',
        email: 'ana@acme.test',
        scopes: [READONLY, SEND, CALENDAR],
      },
    });
    const again = await finish(ana, crmPage);
    expect(again.status).toBe(400);
    expect(errorCode(again.body)).toBe('state_reused');
    const anonymous = await e2e.api('/integrations/gmail/callback', {
      method: 'POST',
      body: JSON.stringify({ code: 'x', state: 'y' }),
    });
    expect(anonymous.status).toBe(401);
  });

  it('when the user picks another account than the login_hint, then 400 account_mismatch, nothing stored, grant revoked', async () => {
    const user = { sub: 'user-hint', org: 'org-1' };
    const { crmPage } = await consent(user, 'work@acme.test', 'private@home.test');
    const refused = await finish(user, crmPage);
    expect(refused.status).toBe(400);
    expect(errorCode(refused.body)).toBe('account_mismatch');
    expect(await stored('private@home.test')).toBe(0);
    expect(await revocations('private@home.test')).toBe(1);
  });

  it('when the address is connected by someone else, then 409 address_taken and the new grant revoked', async () => {
    const owner = { sub: 'user-owner', org: 'org-1' };
    expect((await finish(owner, (await consent(owner, 'shared@acme.test')).crmPage)).status).toBe(
      200,
    );
    const other = { sub: 'user-other', org: 'org-2' };
    const refused = await finish(other, (await consent(other, 'shared@acme.test')).crmPage);
    expect(refused.status).toBe(409);
    expect(errorCode(refused.body)).toBe('address_taken');
    expect(await revocations('shared@acme.test')).toBe(1);
    const { rows } = await e2e.database.pool.query(
      `select org_id from mailboxes where email = 'shared@acme.test'`,
    );
    expect(rows).toEqual([{ org_id: 'org-1' }]);
  });

  it('when the user unticks Gmail read access, then 400 scope_missing, nothing stored, grant revoked', async () => {
    const user = { sub: 'user-noread', org: 'org-1' };
    await e2e.simControl('mailboxes/noread@acme.test/consent', {
      method: 'PUT',
      body: { untick: [READONLY] },
    });
    const refused = await finish(user, (await consent(user, 'noread@acme.test')).crmPage);
    expect(refused.status).toBe(400);
    expect(errorCode(refused.body)).toBe('scope_missing');
    expect(await stored('noread@acme.test')).toBe(0);
    expect(await revocations('noread@acme.test')).toBe(1);
  });

  it('when the user unticks sending, then the mailbox connects read-only and says so', async () => {
    const user = { sub: 'user-ro', org: 'org-1' };
    await e2e.simControl('mailboxes/ro@acme.test/consent', {
      method: 'PUT',
      body: { untick: [SEND] },
    });
    const done = await finish(user, (await consent(user, 'ro@acme.test')).crmPage);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ email: 'ro@acme.test', scopes: [READONLY, CALENDAR] });
    expect(String(done.body.message)).toContain('read-only');
    const status = (await (await e2e.api('/integrations/gmail/status', { user })).json()) as {
      connected: boolean;
      scopes: string[];
    };
    expect(status).toMatchObject({ connected: true, scopes: [READONLY, CALENDAR] });
    expect(await revocations('ro@acme.test')).toBe(0);
  });

  it('when Google answers an error, then the browser goes back to the CRM with the reason', async () => {
    const user = { sub: 'user-deny', org: 'org-1' };
    await e2e.simControl('mailboxes/deny@acme.test/consent', {
      method: 'PUT',
      body: { deny: true },
    });
    const { callback, crmPage } = await consent(user, 'deny@acme.test');
    expect(callback.status).toBe(302);
    expect(crmPage.searchParams.get('gmail')).toBe('error');
    expect(crmPage.searchParams.get('reason')).toBe('access_denied');
    expect(crmPage.searchParams.get('tab')).toBe('gmail');
  });
});
