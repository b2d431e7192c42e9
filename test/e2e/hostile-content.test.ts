// Issue 27 #1, #2, #4 end to end: hostile bodies sent and received, over HTTP against the
// simulator and PostgreSQL. Sent bodies are capped like received ones; a timeline page never
// carries bodies unless asked; HTML that froze a process for a minute is read in bounded time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../../src/mail/parse-message.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { multipartMail } from '../support/multipart-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-hostile-content';
const user = { sub: 'user-hostile', org: ORG, name: 'Rep' };
const OWNER = 'rep@hostile-content.test';
const CLIENT = 'carla@client.test';

interface Item {
  id: string;
  content: { body?: string; body_new?: string; body_truncated?: boolean };
}

describe('hostile bodies, sent and received', () => {
  let e2e: E2E;
  let contactId: string;
  let n = 0;

  beforeAll(async () => {
    e2e = await startE2E();
    contactId = await addContact(e2e.deps.database.db, ORG, 'Carla', CLIENT);
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
  });
  afterAll(async () => {
    await e2e.close();
  });

  const send = (body: Record<string, unknown>) =>
    e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      headers: { 'idempotency-key': `hostile-${++n}` },
      body: JSON.stringify({ to: [CLIENT], subject: `hostile ${n}`, ...body }),
    });

  async function stored(activityId: string) {
    const { rows } = await e2e.database.pool.query(
      `select length(content->>'body') as chars, octet_length(content->>'body') as bytes,
              (content->>'body_truncated')::boolean as truncated, content->>'body_new' as body_new
         from activities where id = $1`,
      [activityId],
    );
    return rows[0] as { chars: number; bytes: number; truncated: boolean; body_new: string };
  }

  it('when a 4.8 M-character text is sent, then Gmail gets it whole and the activity keeps 256 KiB of it, flagged', async () => {
    const text = `Start of the proposal.\n${'All the terms, again and again. '.repeat(150_000)}`;
    expect(text.length).toBeGreaterThan(4_800_000);
    const res = await send({ text });
    expect(res.status).toBe(201);
    const { activity_id } = (await res.json()) as { activity_id: string };
    const row = await stored(activity_id);
    expect(row.bytes).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
    expect(row.bytes).toBeGreaterThan(BODY_LIMIT_BYTES - 100);
    expect(row.truncated).toBe(true);
    const detail = (await (await e2e.api(`/activities/${activity_id}`, { user })).json()) as {
      body_truncated: boolean;
    };
    expect(detail.body_truncated).toBe(true);
  });

  it('when 400,000 nested <div>s are sent as HTML, then the send succeeds and its text is kept', async () => {
    const res = await send({ html: `<p>Hello Carla</p>${'<div>'.repeat(400_000)}deep` });
    expect(res.status).toBe(201);
    const { activity_id } = (await res.json()) as { activity_id: string };
    const row = await stored(activity_id);
    expect(row.truncated).toBe(true);
    const detail = (await (await e2e.api(`/activities/${activity_id}`, { user })).json()) as {
      body_text: string;
    };
    expect(detail.body_text).toContain('Hello Carla');
  });

  it('when 65,000 blank lines are sent, then the send succeeds and the new part keeps both words', async () => {
    const res = await send({ text: `Hi\n${'\n'.repeat(65_000)}Bye` });
    expect(res.status).toBe(201);
    const { activity_id } = (await res.json()) as { activity_id: string };
    expect((await stored(activity_id)).body_new).toBe('Hi\n\nBye');
  });

  it('when a timeline holds large mails, then a page carries no bodies unless asked, and then at most 20', async () => {
    const big = 'Long text. '.repeat(20_000);
    for (let i = 0; i < 3; i++) expect((await send({ text: big })).status).toBe(201);
    const base = `/activities?entity_type=contact&entity_id=${contactId}`;
    const page = await e2e.api(`${base}&limit=200`, { user });
    const text = await page.text();
    const items = (JSON.parse(text) as { items: Item[] }).items;
    expect(items.length).toBeGreaterThanOrEqual(6);
    expect(
      items.every((i) => i.content.body === undefined && i.content.body_new === undefined),
    ).toBe(true);
    expect(text.length).toBeLessThan(64 * 1024);

    const withBodies = await e2e.api(`${base}&limit=20&include=body`, { user });
    const asked = (await withBodies.json()) as { items: Item[] };
    expect(asked.items.some((i) => (i.content.body ?? '').startsWith('Long text.'))).toBe(true);
    const tooMany = await e2e.api(`${base}&limit=50&include=body`, { user });
    expect(tooMany.status).toBe(400);

    const thread = await e2e.api(`/threads/${encodeURIComponent(await someThread(e2e))}`, {
      user,
    });
    const threadItems = ((await thread.json()) as { items: Item[] }).items;
    expect(threadItems.length).toBeGreaterThan(0);
    expect(threadItems.every((i) => i.content.body === undefined)).toBe(true);
  });

  it('when a 3.3 MB HTML-only mail of nested <div>s is read whole (?full=1), then it answers, cut and flagged', async () => {
    const html = `<p>Top of the mail</p>${'<div>'.repeat(660_000)}deep`;
    const raw = [
      `From: Carla <${CLIENT}>`,
      `To: ${OWNER}`,
      'Subject: nested',
      `Message-ID: <nested-${Date.now()}@client.test>`,
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
    ].join('\r\n');
    const { id: gmailId } = await e2e.deliver(OWNER, raw);
    const activityId = await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          'select id from activities where gmail_message_id = $1',
          [gmailId],
        );
        return rows[0]?.id as string | undefined;
      },
      { timeoutMs: 30_000, what: 'the nested mail logged' },
    );
    const res = await e2e.api(`/activities/${activityId}?full=1`, { user });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as { body_text: string; body_truncated: boolean };
    expect(detail.body_text).toContain('Top of the mail');
    expect(detail.body_truncated).toBe(true);
  });
});

describe('the sensitive-mail guard on what a colleague would read (issue 27 #7)', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla', CLIENT);
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when a code and a reset link are only in the HTML part, then the activity keeps metadata only', async () => {
    const raw = multipartMail({
      from: CLIENT,
      to: OWNER,
      subject: 'Welcome back',
      text: 'Open this mail in HTML to read it.',
      html: '<p>Your verification code is <b>482913</b>.</p><a href="https://acme.test/reset?token=Zk3q9ZkV2wLx7RbN1cYp8HsD">Reset your password</a>',
    });
    const { id: gmailId } = await e2e.deliver(OWNER, raw);
    const row = await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          `select content from activities where gmail_message_id = $1`,
          [gmailId],
        );
        return rows[0] as { content: Record<string, unknown> } | undefined;
      },
      { timeoutMs: 20_000, what: 'the HTML-only code logged' },
    );
    expect(row.content.visibility).toBe('metadata');
    expect(row.content.sensitive_rule).toBe('one_time_code');
    expect(JSON.stringify(row.content)).not.toContain('482913');
  });
});

async function someThread(e2e: E2E): Promise<string> {
  const { rows } = await e2e.database.pool.query(
    `select thread_id from activities where mailbox_id = (select id from mailboxes where email = $1) limit 1`,
    [OWNER],
  );
  return rows[0]?.thread_id as string;
}
