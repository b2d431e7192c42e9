import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { waitForIdle } from './mailbox-fixture.ts';

const SA = 'gmail-sync@crm-prod.iam.gserviceaccount.com';
const SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.send',
];

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
  /** The daily check, as the poll queues it: the last one a day old. */
  const dailyCheck = async (org: string) => {
    await e2e.database.pool.query(
      `update workspaces set checked_at = now() - interval '25 hours' where org_id = $1`,
      [org],
    );
    const before = (await view(org)).checked_at;
    await e2e.database.pool.query(`select graphile_worker.add_job('poll', '{}'::json)`);
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
});
