import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { SA, SCOPES } from '../support/workspace-delegation.ts';
import { waitForIdle } from './mailbox-fixture.ts';

interface WorkspaceView {
  domain: string;
  state: string;
  users: { found: number; connected: number; failed: number; suspended: number };
  checked_at: string | null;
  last_error: string | null;
  authorization: { service_account: string; client_id: string | null; scopes: string[] };
}

describe('a whole Workspace connected through domain-wide delegation', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ env: { GOOGLE_DELEGATION_SERVICE_ACCOUNT: SA } });
  });
  afterEach(async () => {
    await e2e.resetFaults();
  });
  afterAll(async () => {
    await e2e.close();
  });

  const admin = (org: string) => ({ sub: `admin-${org}`, org, admin: true });
  const simWorkspace = async (body: unknown) => {
    const res = await e2e.simControl('workspaces', { body });
    expect(res.ok).toBe(true);
  };
  const put = (org: string, body: unknown, user = admin(org)) =>
    e2e.api('/org/workspace', { user, method: 'PUT', body: JSON.stringify(body) });
  const view = async (org: string) =>
    (await (await e2e.api('/org/workspace', { user: admin(org) })).json()) as WorkspaceView;
  /** The check that follows `since`: the job done, its time recorded. */
  const checked = (org: string, since: string | null) =>
    waitFor(
      async () => {
        const v = await view(org);
        return v.checked_at !== null && v.checked_at !== since ? v : undefined;
      },
      { timeoutMs: 60_000, what: 'the workspace check' },
    );
  const mailboxesOf = async (org: string) =>
    (
      await e2e.database.pool.query<{ email: string; status: string; sealed: boolean }>(
        `select email, status, sealed_tokens is not null as sealed from mailboxes
          where org_id = $1 and connected_via = 'workspace' order by email`,
        [org],
      )
    ).rows;
  /** The daily check, as the hourly cron item queues it: the last one a day old. */
  const dailyCheck = async (org: string) => {
    await e2e.database.pool.query(
      `update workspaces set checked_at = now() - interval '25 hours' where org_id = $1`,
      [org],
    );
    const before = (await view(org)).checked_at;
    await e2e.database.pool.query(
      `select graphile_worker.add_job('queue_workspace_checks', '{}'::json)`,
    );
    return checked(org, before);
  };

  it('when an admin registers a Workspace of 50 users, then one request connects them all and their mail is logged with no consent screen', async () => {
    const users = [
      { email: 'boss@fifty.test', is_admin: true },
      ...Array.from({ length: 49 }, (_, i) => ({ email: `rep${i}@fifty.test` })),
    ];
    await simWorkspace({ domain: 'fifty.test', users, delegation: { [SA]: SCOPES } });
    const contactId = await addContact(
      e2e.deps.database.db,
      'org-fifty',
      'Cliente',
      'cliente@buyer.test',
    );

    const res = await put('org-fifty', {
      domain: 'fifty.test',
      admin_email: 'boss@fifty.test',
      users: 'all',
    });
    expect(res.status).toBe(202);
    const done = await checked('org-fifty', null);
    expect(done).toMatchObject({
      state: 'active',
      users: { found: 50, connected: 50, failed: 0, suspended: 0 },
      last_error: null,
    });
    const rows = await mailboxesOf('org-fifty');
    expect(rows).toHaveLength(50);
    // No tokens of their own and no OAuth state: nobody saw a consent screen.
    expect(rows.every((r) => !r.sealed)).toBe(true);
    const states = await e2e.database.pool.query('select 1 from oauth_states');
    expect(states.rowCount).toBe(0);
    await waitForIdle(e2e);

    const ids: string[] = [];
    for (const i of [0, 17, 48]) {
      const to = `rep${i}@fifty.test`;
      ids.push((await e2e.deliver(to, rawMail({ from: 'Cliente <cliente@buyer.test>', to }))).id);
    }
    await waitFor(
      async () => {
        const { rows: logged } = await e2e.database.pool.query(
          `select a.id from activities a join activity_links l on l.activity_id = a.id
            where l.entity_id = $1 and a.gmail_message_id = any($2)`,
          [contactId, ids],
        );
        return logged.length === 3;
      },
      { timeoutMs: 30_000, what: "the three reps' mail logged" },
    );
  });

  it('when a user joins and another is suspended, then the suspended one stops at once and the daily check connects the one and disconnects the other', async () => {
    const users = (suspended: boolean, joined: boolean) => [
      { email: 'boss@daily.test', is_admin: true },
      { email: 'ana@daily.test', suspended },
      { email: 'bia@daily.test' },
      ...(joined ? [{ email: 'caio@daily.test' }] : []),
    ];
    await simWorkspace({
      domain: 'daily.test',
      users: users(false, false),
      delegation: { [SA]: SCOPES },
    });
    expect(
      (
        await put('org-daily', {
          domain: 'daily.test',
          admin_email: 'boss@daily.test',
          users: 'all',
        })
      ).status,
    ).toBe(202);
    expect((await checked('org-daily', null)).users).toEqual({
      found: 3,
      connected: 3,
      failed: 0,
      suspended: 0,
    });
    await waitForIdle(e2e);

    const res = await e2e.simControl('workspaces/daily.test/users', {
      method: 'PUT',
      body: { users: users(true, true) },
    });
    expect(res.ok).toBe(true);
    // Google ends a suspended user's sessions: the next sync cannot mint a token as her, and her
    // mailbox waits for the admin (a suspension may be lifted) until the daily check.
    await e2e.deliver('ana@daily.test', rawMail({ from: 'x@buyer.test', to: 'ana@daily.test' }));
    await waitFor(
      async () =>
        (await mailboxesOf('org-daily')).find((m) => m.email === 'ana@daily.test')?.status ===
        'needs_admin',
      { timeoutMs: 30_000, what: "ana's mailbox to stop" },
    );

    const daily = await dailyCheck('org-daily');
    expect(daily).toMatchObject({
      state: 'active',
      users: { found: 4, connected: 3, failed: 0, suspended: 1 },
    });
    const rows = await mailboxesOf('org-daily');
    expect(rows.map((r) => [r.email, r.status === 'disconnected'])).toEqual([
      ['ana@daily.test', true],
      ['bia@daily.test', false],
      ['boss@daily.test', false],
      ['caio@daily.test', false],
    ]);
    const { rows: events } = await e2e.database.pool.query(
      `select payload->>'reason' as reason from events
        where org_id = 'org-daily' and type = 'mailbox.disconnected'`,
    );
    expect(events).toEqual([{ reason: 'suspended' }]);
  });

  it('when the admin has not authorised the client, then the Workspace says so with the client id and scopes, once, and the daily check finds it authorised', async () => {
    const users = [{ email: 'boss@noauth.test', is_admin: true }, { email: 'eva@noauth.test' }];
    await simWorkspace({ domain: 'noauth.test', users, delegation: {} });
    // Tokens asked as the admin: how many times the service tried.
    const mints = async () =>
      (
        (await (await e2e.simControl('stats')).json()) as {
          users: Record<string, { calls: Record<string, number> }>;
        }
      ).users['boss@noauth.test']?.calls['oauth.jwt_bearer'] ?? 0;
    const before = await mints();
    await put('org-noauth', {
      domain: 'noauth.test',
      admin_email: 'boss@noauth.test',
      users: 'all',
    });
    const refused = await checked('org-noauth', null);
    expect(refused.state).toBe('unauthorized');
    expect(refused.authorization.client_id).toMatch(/^\d{21}$/);
    expect(refused.authorization.scopes).toEqual(SCOPES);
    expect(refused.last_error).toContain(`client ${refused.authorization.client_id}`);
    for (const scope of SCOPES) expect(refused.last_error).toContain(scope);
    // One attempt, then nothing until the daily check: no job waits to try again.
    const { rows: waiting } = await e2e.database.pool.query(
      `select 1 from graphile_worker.jobs where task_identifier = 'check_workspace'`,
    );
    expect(waiting).toHaveLength(0);
    expect((await mints()) - before).toBe(1);
    expect(await mailboxesOf('org-noauth')).toEqual([]);

    await simWorkspace({ domain: 'noauth.test', users, delegation: { [SA]: SCOPES } });
    const daily = await dailyCheck('org-noauth');
    expect(daily).toMatchObject({
      state: 'active',
      users: { found: 2, connected: 2 },
      last_error: null,
    });
  });

  it('when the Workspace is removed, then its mailboxes are disconnected and their watches stopped; their activities stay', async () => {
    await simWorkspace({
      domain: 'gone.test',
      users: [{ email: 'boss@gone.test', is_admin: true }, { email: 'rui@gone.test' }],
      delegation: { [SA]: SCOPES },
    });
    await put('org-gone', { domain: 'gone.test', admin_email: 'boss@gone.test', users: 'all' });
    await checked('org-gone', null);
    await waitForIdle(e2e);
    const res = await e2e.api('/org/workspace', { user: admin('org-gone'), method: 'DELETE' });
    expect(await res.json()).toEqual({ disconnected: 2 });
    expect((await mailboxesOf('org-gone')).map((m) => m.status)).toEqual([
      'disconnected',
      'disconnected',
    ]);
    await waitFor(
      async () => {
        const watch = (await (await e2e.simControl('mailboxes/rui@gone.test/watch')).json()) as {
          active: boolean;
        };
        return !watch.active;
      },
      { timeoutMs: 30_000, what: "rui's watch to stop" },
    );
    expect((await e2e.api('/org/workspace', { user: admin('org-gone') })).status).toBe(404);
  });

  it('when a non-admin or another org asks, then it is refused, and a domain another org holds is 409', async () => {
    await simWorkspace({
      domain: 'mine.test',
      users: [{ email: 'boss@mine.test', is_admin: true }],
      delegation: { [SA]: SCOPES },
    });
    const body = { domain: 'mine.test', admin_email: 'boss@mine.test', users: 'all' };
    expect((await put('org-mine', body)).status).toBe(202);
    await checked('org-mine', null);
    const rep = { sub: 'rep-mine', org: 'org-mine' };
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await e2e.api('/org/workspace', {
        user: rep,
        method,
        ...(method === 'PUT' ? { body: JSON.stringify(body) } : {}),
      });
      expect(res.status, method).toBe(403);
    }
    expect((await e2e.api('/org/workspace', { user: admin('org-other') })).status).toBe(404);
    const taken = await put('org-other', body);
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { error: { code: string } }).error.code).toBe(
      'workspace_taken',
    );
    const removed = await e2e.api('/org/workspace', { user: admin('org-other'), method: 'DELETE' });
    expect(await removed.json()).toEqual({ disconnected: 0 });
    expect((await view('org-mine')).users.connected).toBe(1);
  });
});
