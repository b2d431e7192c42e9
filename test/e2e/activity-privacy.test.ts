// What a salesperson can trust stays out of the CRM, over HTTP against the simulator and
// PostgreSQL: a mailbox's visibility, the org's sensitive-mail guard, an activity made private,
// and a deleted one that no later sync brings back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { multipartMail } from '../support/multipart-mail.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-privacy';
const owner: TestUser = { sub: 'user-owner', org: ORG, name: 'Owner' };
const colleague: TestUser = { sub: 'user-colleague', org: ORG };
const admin = { sub: 'user-admin', org: ORG, admin: true };
const OWNER = 'owner@privacy.test';
const CLIENT = 'carla@client.test';
const NOREPLY = 'no-reply@accounts.app.test';

interface Detail {
  id: string;
  title: string;
  email_subject: string;
  description: string;
  visibility: string;
  sensitive_rule: string | null;
  content: { from: string | null; to: string[]; body: string };
  body_text: string;
  body_html: string | null;
  body_new: string;
  attachments: unknown[];
  links: { entity_type: string; entity_id: string }[];
}

describe('activity privacy', () => {
  let e2e: E2E;
  let contactId: string;

  beforeAll(async () => {
    e2e = await startE2E();
    const db = e2e.deps.database.db;
    contactId = await addContact(db, ORG, 'Carla', CLIENT);
    await addContact(db, ORG, 'App accounts', NOREPLY);
    expect((await e2e.connect(owner, OWNER)).status).toBe(200);
    // A sync applies the settings it read when it started: let the initial one finish first.
    await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'sync_mailbox' and attempts < max_attempts`,
        );
        return rows[0].n === 0;
      },
      { timeoutMs: 20_000, what: 'the initial sync' },
    );
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  async function logged(raw: string): Promise<{ id: string; gmailId: string }> {
    const { id: gmailId } = await e2e.deliver(OWNER, raw);
    const id = await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          'select id from activities where gmail_message_id = $1',
          [gmailId],
        );
        return rows[0]?.id as string | undefined;
      },
      { timeoutMs: 20_000, what: `activity for ${gmailId}` },
    );
    return { id, gmailId };
  }

  async function detail(id: string): Promise<Detail> {
    const res = await e2e.api(`/activities/${id}`, { user: owner });
    expect(res.status).toBe(200);
    return (await res.json()) as Detail;
  }

  const withFile = (subject: string) =>
    multipartMail({
      from: CLIENT,
      to: OWNER,
      subject,
      text: 'The price is 40k.',
      html: '<p>The price is 40k.</p>',
      files: [
        { filename: 'quote.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF') },
      ],
    });

  async function setVisibility(visibility: string) {
    const res = await e2e.api('/integrations/gmail/settings', {
      method: 'PUT',
      user: owner,
      body: JSON.stringify({ visibility }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { visibility: string }).visibility).toBe(visibility);
  }

  it('when the mailbox logs subjects only, then headers and subject are kept and no body or attachment', async () => {
    await setVisibility('subject');
    const { id } = await logged(withFile('Quote for Q1'));
    const a = await detail(id);
    expect(a).toMatchObject({
      title: 'Email: Quote for Q1',
      email_subject: 'Quote for Q1',
      description: '',
      visibility: 'subject',
      body_text: '',
      body_html: null,
      body_new: '',
      attachments: [],
    });
    expect(a.content.from).toBe(CLIENT);
    expect(JSON.stringify(await rowContent(e2e, id))).not.toContain('40k');
  });

  it('when the mailbox logs metadata only, then participants and time are kept, titled "Email"', async () => {
    await setVisibility('metadata');
    const { id } = await logged(withFile('Quote for Q2'));
    const a = await detail(id);
    expect(a).toMatchObject({ title: 'Email', email_subject: '', visibility: 'metadata' });
    expect(a.content.to).toEqual([OWNER]);
    expect(JSON.stringify(await rowContent(e2e, id))).not.toMatch(/40k|Q2|quote\.pdf/);
    await setVisibility('full');
    const full = await detail((await logged(withFile('Quote for Q3'))).id);
    expect(full).toMatchObject({ title: 'Email: Quote for Q3', body_text: 'The price is 40k.' });
  });

  it('when a one-time code arrives, then the guard keeps it as metadata with its rule, and an admin can turn the guard off', async () => {
    const code = () =>
      rawMail({
        from: NOREPLY,
        to: OWNER,
        subject: 'Your sign-in code',
        body: 'Your verification code is 482913. It expires in 10 minutes.',
      });
    const guarded = await detail((await logged(code())).id);
    expect(guarded).toMatchObject({
      title: 'Email',
      visibility: 'metadata',
      sensitive_rule: 'one_time_code',
      body_text: '',
    });
    expect(JSON.stringify(await rowContent(e2e, guarded.id))).not.toContain('482913');

    const refused = await e2e.api('/org/settings', {
      method: 'PUT',
      user: owner,
      body: JSON.stringify({ sensitive_guard: 'off' }),
    });
    expect(refused.status).toBe(403);
    const put = await e2e.api('/org/settings', {
      method: 'PUT',
      user: admin,
      body: JSON.stringify({ sensitive_guard: 'off' }),
    });
    expect(await put.json()).toEqual({
      sensitive_guard: 'off',
      auto_create_contacts: 'none',
      never_log: { domains: [], addresses: [] },
      max_visibility: 'full',
    });
    const open = await detail((await logged(code())).id);
    expect(open).toMatchObject({ visibility: 'full', sensitive_rule: null });
    expect(open.body_text).toContain('482913');
    await e2e.api('/org/settings', {
      method: 'PUT',
      user: admin,
      body: JSON.stringify({ sensitive_guard: 'on' }),
    });
    const read = await e2e.api('/org/settings', { user: admin });
    expect(await read.json()).toEqual({
      sensitive_guard: 'on',
      auto_create_contacts: 'none',
      never_log: { domains: [], addresses: [] },
      max_visibility: 'full',
    });
  });

  it('when the owner makes an activity private, then its bodies and attachments leave storage, its links stay, and a full resync does not bring them back', async () => {
    const { id } = await logged(withFile('Private terms'));
    const notOwner = await e2e.api(`/activities/${id}/private`, {
      method: 'POST',
      user: colleague,
    });
    expect(notOwner.status).toBe(403);
    const res = await e2e.api(`/activities/${id}/private`, { method: 'POST', user: owner });
    expect(res.status).toBe(200);
    const a = (await res.json()) as Detail;
    expect(a).toMatchObject({
      visibility: 'private',
      body_text: '',
      body_html: null,
      attachments: [],
    });
    expect(a.links).toEqual([{ entity_type: 'contact', entity_id: contactId }]);
    expect((await e2e.api(`/activities/${id}/attachments/0`, { user: owner })).status).toBe(404);

    await fullResync(e2e);
    expect(JSON.stringify(await rowContent(e2e, id))).not.toMatch(/40k|quote\.pdf/);
  });

  // Issue 27 #8: the decision outlives the row it was made on.
  it('when a private mail is trashed and untrashed under on_gmail_delete: remove, then it comes back private', async () => {
    const { id, gmailId } = await logged(withFile('Private then trashed'));
    expect(
      (await e2e.api(`/activities/${id}/private`, { method: 'POST', user: owner })).status,
    ).toBe(200);
    await setting({ on_gmail_delete: 'remove' });
    const box = `mailboxes/${encodeURIComponent(OWNER)}/messages/${gmailId}`;
    expect((await e2e.simControl(`${box}/trash`, { body: {} })).ok).toBe(true);
    await waitFor(async () => (await activityOf(e2e, gmailId)) === undefined, {
      timeoutMs: 20_000,
      what: 'the trashed mail removed',
    });
    expect((await e2e.simControl(`${box}/untrash`, { body: {} })).ok).toBe(true);
    const back = await waitFor(() => activityOf(e2e, gmailId), {
      timeoutMs: 20_000,
      what: 'the untrashed mail logged again',
    });
    expect(back.content.visibility).toBe('private');
    expect(JSON.stringify(back)).not.toMatch(/40k|quote\.pdf/);
    await setting({ on_gmail_delete: 'keep' });
  });

  it('when the sender of a private mail is blocked and unblocked, then the mail comes back private', async () => {
    const { id, gmailId } = await logged(withFile('Private then blocked'));
    expect(
      (await e2e.api(`/activities/${id}/private`, { method: 'POST', user: owner })).status,
    ).toBe(200);
    await setting({ blocked_addresses: [CLIENT] });
    await waitFor(async () => (await activityOf(e2e, gmailId)) === undefined, {
      timeoutMs: 20_000,
      what: 'the blocked mail removed',
    });
    await setting({ blocked_addresses: [] });
    const back = await waitFor(() => activityOf(e2e, gmailId), {
      timeoutMs: 60_000,
      what: 'the unblocked mail logged again',
    });
    expect(back.content.visibility).toBe('private');
    expect(JSON.stringify(back)).not.toMatch(/40k|quote\.pdf/);
  });

  async function setting(patch: Record<string, unknown>) {
    const res = await e2e.api('/integrations/gmail/settings', {
      method: 'PUT',
      user: owner,
      body: JSON.stringify(patch),
    });
    expect(res.status).toBe(200);
  }

  it('when an activity is deleted, then it is gone and no later sync logs the mail again', async () => {
    const deleted = await logged(withFile('Delete me'));
    const lost = await logged(withFile('Lost row'));
    const byAdmin = await logged(withFile('Admin removes me'));
    const refused = await e2e.api(`/activities/${deleted.id}`, {
      method: 'DELETE',
      user: colleague,
    });
    expect(refused.status).toBe(403);
    expect(
      (await e2e.api(`/activities/${deleted.id}`, { method: 'DELETE', user: owner })).status,
    ).toBe(200);
    expect(
      (await e2e.api(`/activities/${byAdmin.id}`, { method: 'DELETE', user: admin })).status,
    ).toBe(200);
    expect((await e2e.api(`/activities/${deleted.id}`, { user: owner })).status).toBe(404);
    // The control: a row removed behind the service's back, which the full sync must restore.
    await e2e.database.pool.query('delete from activities where id = $1', [lost.id]);

    const before = await messageFetches(e2e);
    await fullResync(e2e);
    // Only the lost row's mail is fetched again: deleted mail costs no quota either.
    expect((await messageFetches(e2e)) - before).toBe(1);
    const { rows } = await e2e.database.pool.query(
      'select gmail_message_id from activities where gmail_message_id = any($1)',
      [[deleted.gmailId, lost.gmailId, byAdmin.gmailId]],
    );
    expect(rows.map((r) => r.gmail_message_id)).toEqual([lost.gmailId]);
    const list = await e2e.api(`/activities?entity_type=contact&entity_id=${contactId}&limit=200`, {
      user: owner,
    });
    const ids = ((await list.json()) as { items: { id: string }[] }).items.map((i) => i.id);
    expect(ids).not.toContain(deleted.id);
    expect(ids).not.toContain(byAdmin.id);
  });
});

async function messageFetches(e2e: E2E): Promise<number> {
  const res = await e2e.simControl('stats');
  return ((await res.json()) as { calls: Record<string, number> }).calls['messages.get'] ?? 0;
}

async function activityOf(
  e2e: E2E,
  gmailId: string,
): Promise<{ description: string; content: Record<string, unknown> } | undefined> {
  const { rows } = await e2e.database.pool.query(
    'select description, content from activities where gmail_message_id = $1',
    [gmailId],
  );
  return rows[0];
}

async function rowContent(e2e: E2E, id: string): Promise<unknown> {
  const { rows } = await e2e.database.pool.query(
    'select title, description, email_subject, content from activities where id = $1',
    [id],
  );
  return rows[0];
}

/** Queues a full sync through the API and waits until the mailbox records it finished. */
async function fullResync(e2e: E2E): Promise<void> {
  const before = await lastFullSync(e2e);
  const res = await e2e.api('/integrations/gmail/sync', {
    method: 'POST',
    user: owner,
    body: JSON.stringify({ full: true }),
  });
  expect(res.status).toBe(202);
  await waitFor(async () => (await lastFullSync(e2e)) > before, {
    timeoutMs: 30_000,
    what: 'the full sync',
  });
}

async function lastFullSync(e2e: E2E): Promise<number> {
  const { rows } = await e2e.database.pool.query(
    'select last_full_sync_at from mailboxes where email = $1',
    [OWNER],
  );
  return rows[0]?.last_full_sync_at ? new Date(rows[0].last_full_sync_at).getTime() : 0;
}
