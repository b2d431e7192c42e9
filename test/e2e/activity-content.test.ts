// What the CRM reads of a logged mail, over HTTP against the simulator and PostgreSQL: sanitised
// HTML with inline images through the attachment route, the new part of a reply, attachments
// streamed from Gmail byte for byte, and the whole text of a body storage cut.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { multipartMail } from '../support/multipart-mail.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-content';
const user: TestUser = { sub: 'user-content', org: ORG, name: 'Rep' };
const OWNER = 'rep@content.test';
const CLIENT = 'Carla <carla@client.test>';

interface Detail {
  id: string;
  title: string;
  thread_id: string;
  status: string;
  body_text: string;
  body_html: string | null;
  body_new: string;
  body_truncated: boolean;
  attachments: {
    filename: string;
    content_type: string;
    size: number;
    inline: boolean;
    content_id: string | null;
  }[];
}

describe('activity content', () => {
  let e2e: E2E;
  let contactId: string;

  beforeAll(async () => {
    e2e = await startE2E();
    contactId = await addContact(e2e.deps.database.db, ORG, 'Carla', 'carla@client.test');
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  /** Delivers the mail and answers its activity id once it is logged. */
  async function logged(raw: string, mailbox = OWNER): Promise<string> {
    const { id } = await e2e.deliver(mailbox, raw);
    return waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          'select id from activities where gmail_message_id = $1',
          [id],
        );
        return rows[0]?.id as string | undefined;
      },
      { timeoutMs: 20_000, what: `activity for ${id}` },
    );
  }

  async function detail(id: string, query = '', as = user): Promise<Detail> {
    const res = await e2e.api(`/activities/${id}${query}`, { user: as });
    expect(res.status).toBe(200);
    return (await res.json()) as Detail;
  }

  it('when a mail has hostile HTML, an inline image and a remote one, then the stored HTML is safe and the inline image points at the attachment route', async () => {
    const logo = randomBytes(300);
    const id = await logged(
      multipartMail({
        from: CLIENT,
        to: OWNER,
        subject: 'Newsletter',
        text: 'Plain version',
        html:
          '<p onclick="steal()">Hello</p><script>alert(1)</script>' +
          '<a href=" jav&#x09;ascript:alert(2)">x</a><svg><script>alert(3)</script></svg>' +
          '<img src="cid:logo@mail"><img src="https://tracker.example/p.gif">',
        files: [{ contentType: 'image/png', bytes: logo, contentId: 'logo@mail' }],
      }),
    );
    const a = await detail(id);
    expect(a.body_html).not.toMatch(/script|onclick|javascript|alert|svg/i);
    expect(a.body_html).toContain(`<img src="/activities/${id}/attachments/0" />`);
    expect(a.body_html).toContain('data-remote-src="https://tracker.example/p.gif"');
    expect(a.body_text).toBe('Plain version');
    expect(a.attachments).toEqual([
      { filename: '', content_type: 'image/png', size: 300, inline: true, content_id: 'logo@mail' },
    ]);
    const image = await e2e.api(`/activities/${id}/attachments/0`, { user });
    expect(Buffer.from(await image.arrayBuffer()).equals(logo)).toBe(true);
  });

  it('when a reply quotes the thread, then body_new is only what the author wrote', async () => {
    const id = await logged(
      rawMail({
        from: CLIENT,
        to: OWNER,
        subject: 'Re: Proposal',
        body: [
          'Sounds good, let us sign on Friday.',
          '',
          'Em seg., 23 de nov. de 2026 às 10:00, Rep <rep@content.test> escreveu:',
          '> Here is the proposal.',
          '> Regards',
        ].join('\r\n'),
      }),
    );
    const a = await detail(id);
    expect(a.body_new).toBe('Sounds good, let us sign on Friday.');
    expect(a.body_text).toContain('> Here is the proposal.');
  });

  it('when a mail carries a 5 MB file with a non-ASCII name, then the route streams it from Gmail byte for byte, as a download', async () => {
    const pdf = randomBytes(5 * 1024 * 1024);
    const filename = 'Proposta comercial — março "final".pdf';
    const id = await logged(
      multipartMail({
        from: CLIENT,
        to: OWNER,
        subject: 'The proposal',
        text: 'Attached.',
        files: [{ filename, contentType: 'application/pdf', bytes: pdf }],
      }),
    );
    const list = await e2e.api(`/activities?entity_type=contact&entity_id=${contactId}`, { user });
    const item = ((await list.json()) as { items: Detail[] }).items.find((i) => i.id === id);
    expect(item?.status).toBe('logged');
    expect(item?.attachments).toEqual([
      {
        filename,
        content_type: 'application/pdf',
        size: pdf.length,
        inline: false,
        content_id: null,
      },
    ]);

    const before = await stats(e2e);
    const res = await e2e.api(`/activities/${id}/attachments/0`, { user });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Proposta comercial _ mar_o _final_.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    );
    // Read from Gmail when asked, through the quota-paced client: nothing kept.
    const after = await stats(e2e);
    expect(after['messages.attachments.get'] ?? 0).toBe(
      (before['messages.attachments.get'] ?? 0) + 1,
    );

    expect((await e2e.api(`/activities/${id}/attachments/1`, { user })).status).toBe(404);
    const stranger = { sub: 'someone', org: 'another-org' };
    expect((await e2e.api(`/activities/${id}/attachments/0`, { user: stranger })).status).toBe(404);
    expect((await e2e.api(`/activities/${id}`, { user: stranger })).status).toBe(404);
  });

  it('when a body is over the 256 KiB storage cap, then the activity says it was cut and full=1 reads it whole from Gmail', async () => {
    const text = `${'Linha de contrato número 42, cláusula de pagamento.\n'.repeat(8_000)}The end.`;
    const id = await logged(
      rawMail({ from: CLIENT, to: OWNER, subject: 'Long contract', body: text }),
    );
    const stored = await detail(id);
    expect(stored.body_truncated).toBe(true);
    expect(Buffer.byteLength(stored.body_text)).toBeLessThanOrEqual(256 * 1024);
    const whole = await detail(id, '?full=1');
    expect(whole.body_truncated).toBe(false);
    expect(whole.body_text).toBe(text);
  });

  it('when a thread has a mail and its reply, then /threads lists both oldest first with their links', async () => {
    const first = rawMail({
      from: CLIENT,
      to: OWNER,
      subject: 'Pricing',
      messageId: '<p1@client.test>',
    });
    const firstId = await logged(first);
    const reply = rawMail({
      from: CLIENT,
      to: OWNER,
      subject: 'Re: Pricing',
      headers: { 'In-Reply-To': '<p1@client.test>', References: '<p1@client.test>' },
    });
    const replyId = await logged(reply);
    const { thread_id } = await detail(firstId);
    const res = await e2e.api(`/threads/${encodeURIComponent(thread_id)}`, { user });
    const thread = (await res.json()) as {
      items: { id: string; links: unknown[]; content: Record<string, unknown> }[];
    };
    expect(thread.items.map((i) => i.id)).toEqual([firstId, replyId]);
    expect(thread.items[0]?.links).toEqual([{ entity_type: 'contact', entity_id: contactId }]);
    const stranger = { sub: 'someone', org: 'another-org' };
    const hidden = await e2e.api(`/threads/${encodeURIComponent(thread_id)}`, { user: stranger });
    expect(((await hidden.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('when the mailbox was revoked or disconnected, then the attachment route says so', async () => {
    const other: TestUser = { sub: 'user-revoked', org: ORG };
    const email = 'revoked@content.test';
    expect((await e2e.connect(other, email)).status).toBe(200);
    const file = { filename: 'a.txt', contentType: 'text/plain', bytes: Buffer.from('hi') };
    const raw = multipartMail({
      from: CLIENT,
      to: email,
      subject: 'File',
      text: 'f',
      files: [file],
    });
    const id = await logged(raw, email);

    await e2e.simControl(`mailboxes/${email}/expire-tokens`, { method: 'POST' });
    await e2e.simControl(`mailboxes/${email}/revoke`, { method: 'POST' });
    const revoked = await e2e.api(`/activities/${id}/attachments/0`, { user: other });
    expect(revoked.status).toBe(409);
    expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe(
      'mailbox_revoked',
    );

    await e2e.api('/integrations/gmail/disconnect', { method: 'DELETE', user: other });
    const gone = await e2e.api(`/activities/${id}/attachments/0`, { user: other });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe(
      'mailbox_not_connected',
    );
  });
});

async function stats(e2e: E2E): Promise<Record<string, number>> {
  const res = await e2e.simControl('stats');
  return ((await res.json()) as { calls: Record<string, number> }).calls;
}
