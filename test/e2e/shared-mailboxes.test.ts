import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { SA, SCOPES } from '../support/workspace-delegation.ts';
import { waitForIdle, waitForLogged } from './mailbox-fixture.ts';

const ORG = 'org-team';
const ADMIN: TestUser = { sub: 'boss', org: ORG, admin: true };
const MEMBER: TestUser = { sub: 'joana', org: ORG, name: 'Joana' };
const OTHER: TestUser = { sub: 'pedro', org: ORG, name: 'Pedro' };
const SALES = 'sales@team.test';

interface OrgMailbox {
  id: string;
  address: string;
  owner: { type: string; user_id: string | null };
  status: string;
  connected_via: string;
  members: string[];
}

describe('shared mailboxes', () => {
  let e2e: E2E;
  let contactId: string;
  let mailId: string;
  beforeAll(async () => {
    e2e = await startE2E({ env: { GOOGLE_DELEGATION_SERVICE_ACCOUNT: SA } });
    contactId = await addContact(e2e.deps.database.db, ORG, 'Cliente', 'cliente@buyer.test');
    const res = await e2e.simControl('workspaces', {
      body: {
        domain: 'team.test',
        users: [
          { email: 'boss@team.test', is_admin: true },
          { email: SALES },
          { email: 'rita@team.test' },
          { email: 'not-listed@team.test' },
        ],
        delegation: { [SA]: SCOPES },
      },
    });
    expect(res.ok).toBe(true);
    const put = await e2e.api('/org/workspace', {
      user: ADMIN,
      method: 'PUT',
      body: JSON.stringify({
        domain: 'team.test',
        admin_email: 'boss@team.test',
        users: { emails: [SALES, 'rita@team.test'] },
      }),
    });
    expect(put.status).toBe(202);
    await waitFor(
      async () => {
        const ws = (await (await e2e.api('/org/workspace', { user: ADMIN })).json()) as {
          users: { connected: number };
        };
        return ws.users.connected === 2;
      },
      { timeoutMs: 30_000, what: 'the two listed users connected' },
    );
    await waitForIdle(e2e);
    mailId = (
      await e2e.deliver(SALES, rawMail({ from: 'Cliente <cliente@buyer.test>', to: SALES }))
    ).id;
    await waitForLogged(e2e, [mailId], { timeoutMs: 30_000, what: "sales@'s mail" });
  });
  afterAll(async () => {
    await e2e.close();
  });

  const timeline = async (user: TestUser) => {
    const res = await e2e.api(`/activities?entity_type=contact&entity_id=${contactId}`, { user });
    return ((await res.json()) as { items: { id: string; thread_id: string }[] }).items;
  };
  const orgMailboxes = async () =>
    ((await (await e2e.api('/org/mailboxes', { user: ADMIN })).json()) as { items: OrgMailbox[] })
      .items;
  const share = (id: string, userIds: string[], user: TestUser = ADMIN) =>
    e2e.api(`/org/mailboxes/${id}/members`, {
      user,
      method: 'PUT',
      body: JSON.stringify({ user_ids: userIds }),
    });
  const sendFrom = (user: TestUser, mailbox: string | undefined, key: string) =>
    e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      headers: { 'idempotency-key': key },
      body: JSON.stringify({
        ...(mailbox ? { mailbox } : {}),
        to: ['cliente@buyer.test'],
        subject: 'Sua proposta',
        text: 'Segue.',
      }),
    });

  it("when the org's Workspace mailbox is listed, then it is the org's, connected by the workspace, and only listed users are connected", async () => {
    const items = await orgMailboxes();
    expect(items.map((m) => [m.address, m.connected_via, m.owner])).toEqual([
      ['rita@team.test', 'workspace', { type: 'org', user_id: null }],
      [SALES, 'workspace', { type: 'org', user_id: null }],
    ]);
    expect((await e2e.api('/org/mailboxes', { user: MEMBER })).status).toBe(403);
    const elsewhere = { sub: 'x', org: 'org-else', admin: true };
    expect(await (await e2e.api('/org/mailboxes', { user: elsewhere })).json()).toEqual({
      items: [],
    });
  });

  it('when a mailbox is shared, then its member sees its activities and sends from it, and nobody else does', async () => {
    const sales = (await orgMailboxes()).find((m) => m.address === SALES);
    if (!sales) throw new Error('no sales mailbox');
    // Before sharing: only admins see the org's mailbox.
    expect(await timeline(MEMBER)).toEqual([]);
    const [seen] = await timeline(ADMIN);
    if (!seen) throw new Error('the admin sees nothing');
    expect((await e2e.api(`/activities/${seen.id}`, { user: MEMBER })).status).toBe(404);
    expect((await sendFrom(MEMBER, SALES, 'before')).status).toBe(404);

    expect((await share(sales.id, [MEMBER.sub], OTHER)).status).toBe(403);
    const elsewhere = { sub: 'boss', org: 'org-else', admin: true };
    expect((await share(sales.id, [MEMBER.sub], elsewhere)).status).toBe(404);
    const shared = await share(sales.id, [MEMBER.sub]);
    expect(shared.status).toBe(200);
    expect(((await shared.json()) as OrgMailbox).members).toEqual([MEMBER.sub]);

    expect((await timeline(MEMBER)).map((a) => a.id)).toEqual([seen.id]);
    expect((await e2e.api(`/activities/${seen.id}`, { user: MEMBER })).status).toBe(200);
    const thread = await e2e.api(`/threads/${seen.thread_id}`, { user: MEMBER });
    expect(((await thread.json()) as { items: unknown[] }).items).toHaveLength(1);
    expect(await timeline(OTHER)).toEqual([]);
    expect((await e2e.api(`/activities/${seen.id}`, { user: OTHER })).status).toBe(404);

    const sent = await sendFrom(MEMBER, SALES, 'member-1');
    expect(sent.status).toBe(201);
    const { activity_id } = (await sent.json()) as { activity_id: string };
    const gmailSent = (await (await e2e.simControl(`mailboxes/${SALES}/sent`)).json()) as {
      messages: { raw: string }[];
    };
    expect(gmailSent.messages).toHaveLength(1);
    const { rows } = await e2e.database.pool.query(
      'select created_by, mailbox_id from activities where id = $1',
      [activity_id],
    );
    expect(rows[0]).toEqual({ created_by: MEMBER.sub, mailbox_id: sales.id });
    // Not a member (an admin included): refused before the body is read, having nothing to send
    // from; a member naming a mailbox not shared with her, whether or not it exists: 403.
    expect((await sendFrom(OTHER, SALES, 'other-1')).status).toBe(404);
    expect((await sendFrom(ADMIN, SALES, 'admin-1')).status).toBe(404);
    expect((await sendFrom(MEMBER, 'rita@team.test', 'member-2')).status).toBe(403);
    expect((await sendFrom(MEMBER, 'nobody@team.test', 'member-3')).status).toBe(403);
    expect(gmailSent.messages).toHaveLength(1);
  });

  it('when a user connected their own mailbox, then it stays theirs and they may share it; connecting a Workspace address makes it theirs', async () => {
    const owner: TestUser = { sub: 'lia', org: ORG, name: 'Lia' };
    expect((await e2e.connect(owner, 'lia@vendor.test')).status).toBe(200);
    const lia = (await orgMailboxes()).find((m) => m.address === 'lia@vendor.test');
    expect(lia).toMatchObject({ connected_via: 'user', owner: { type: 'user', user_id: 'lia' } });
    if (!lia) return;
    expect((await share(lia.id, [OTHER.sub], MEMBER)).status).toBe(403);
    expect((await share(lia.id, [OTHER.sub], owner)).status).toBe(200);
    await waitForIdle(e2e);
    expect((await sendFrom(OTHER, 'lia@vendor.test', 'pedro-1')).status).toBe(201);

    // The admin page says how each mailbox was connected, whose it is and whom it is shared with.
    const page = await (await e2e.api('/admin', { user: ADMIN })).text();
    expect(page).toMatch(
      /sales@team\.test<\/td><td>the org<br><span[^>]*>Workspace \(delegation\)/,
    );
    expect(page).toMatch(
      /lia@vendor\.test<\/td><td>lia<br><span[^>]*>user \(OAuth\)<\/span><br><span[^>]*>shared with pedro/,
    );

    // Rita signs in to the CRM and connects her own address: the org's mailbox becomes hers.
    const rita: TestUser = { sub: 'rita', org: ORG, name: 'Rita' };
    const before = (await orgMailboxes()).find((m) => m.address === 'rita@team.test');
    expect((await e2e.connect(rita, 'rita@team.test')).status).toBe(200);
    const after = (await orgMailboxes()).find((m) => m.address === 'rita@team.test');
    expect(after).toMatchObject({
      id: before?.id,
      connected_via: 'user',
      owner: { type: 'user', user_id: 'rita' },
    });
  });
});
