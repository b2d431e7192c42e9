import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact, addDeal } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-send';
const user = { sub: 'user-send', org: ORG, name: 'Joana Vendas' };
const OWNER = 'joana@vendor.test';

describe("sending through the user's Gmail", () => {
  let e2e: E2E;
  let contactId: string;
  let dealId: string;
  let n = 0;

  beforeAll(async () => {
    e2e = await startE2E();
    contactId = await addContact(e2e.deps.database.db, ORG, 'Carla', 'carla@client.test');
    dealId = await addDeal(e2e.deps.database.db, ORG, 'Renewal', { contactId });
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
  });
  afterAll(async () => {
    await e2e.close();
  });

  const send = (body: unknown, key = `key-${++n}`) =>
    e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      headers: { 'idempotency-key': key },
      body: JSON.stringify(body),
    });

  async function sentRaw(): Promise<Buffer[]> {
    const res = await e2e.simControl(`mailboxes/${OWNER}/sent`);
    const body = (await res.json()) as { messages?: { raw: string }[] } | { raw: string }[];
    const list = Array.isArray(body) ? body : (body.messages ?? []);
    return list.map((m) => Buffer.from(m.raw, 'base64url'));
  }

  it('when a mail with a non-ASCII subject, both bodies and an attachment is sent, then Gmail receives it exactly and one activity is logged', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake pdf bytes \u0000\u00ff', 'latin1');
    const res = await send({
      to: ['Carla Cliente <carla@client.test>'],
      cc: ['boss@vendor.test'],
      bcc: ['audit@vendor.test'],
      subject: 'Proposta comercial — revisão nº 2 ✓',
      text: 'Olá Carla, segue a proposta.',
      html: '<p>Olá <b>Carla</b>, segue a proposta.</p>',
      attachments: [
        {
          filename: 'proposta março.pdf',
          content_type: 'application/pdf',
          content_base64: pdf.toString('base64'),
        },
      ],
      entity_type: 'deal',
      entity_id: dealId,
    });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as {
      message_id: string;
      thread_id: string;
      status: string;
      activity_id: string;
    };
    expect(answer.status).toBe('sent');

    const raws = await sentRaw();
    const parsed = await simpleParser(raws.at(-1) ?? Buffer.alloc(0));
    expect(parsed.subject).toBe('Proposta comercial — revisão nº 2 ✓');
    expect(parsed.text?.trim()).toBe('Olá Carla, segue a proposta.');
    expect(parsed.html).toContain('<b>Carla</b>');
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Joana Vendas', address: OWNER });
    expect(parsed.attachments[0]?.filename).toBe('proposta março.pdf');
    expect(parsed.attachments[0]?.content.equals(pdf)).toBe(true);

    const { rows } = await e2e.database.pool.query(
      `select a.entity_type, a.entity_id, a.email_direction, a.created_by_name,
              array(select entity_type || ':' || entity_id from activity_links l where l.activity_id = a.id order by 1) as links
         from activities a where a.gmail_message_id = $1`,
      [answer.message_id],
    );
    expect(rows).toEqual([
      {
        entity_type: 'deal',
        entity_id: dealId,
        email_direction: 'sent',
        created_by_name: 'Joana Vendas',
        links: [`contact:${contactId}`, `deal:${dealId}`].sort(),
      },
    ]);

    // The sync sees the same mail in SENT, incrementally and in a full sync, and adds nothing.
    await e2e.api('/integrations/gmail/sync', { user, method: 'POST', body: '{}' });
    await e2e.api('/integrations/gmail/sync', { user, method: 'POST', body: '{"full":true}' });
    await waitForJobs(e2e);
    const count = await e2e.database.pool.query(
      'select count(*)::int as n from activities where gmail_message_id = $1',
      [answer.message_id],
    );
    expect(count.rows[0].n).toBe(1);
  });

  it('when replying, then the reply lands in the original thread with In-Reply-To and References', async () => {
    const original = await e2e.deliver(
      OWNER,
      rawMail({
        from: 'carla@client.test',
        to: OWNER,
        subject: 'Pricing question',
        messageId: '<orig-123@client.test>',
        headers: { References: '<earlier-1@client.test>' },
      }),
    );
    const res = await send({
      to: ['carla@client.test'],
      subject: 'Re: Pricing question',
      text: 'Here is the answer.',
      reply_to_message_id: original.id,
    });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { thread_id: string };
    expect(answer.thread_id).toBe(original.threadId);
    const parsed = await simpleParser((await sentRaw()).at(-1) ?? Buffer.alloc(0));
    expect(parsed.inReplyTo).toBe('<orig-123@client.test>');
    expect(parsed.references).toEqual(['<earlier-1@client.test>', '<orig-123@client.test>']);
  });

  it('when replying to a mail whose non-ASCII subject came RFC 2047-encoded, then the reply joins its thread', async () => {
    // As Outlook writes it, Q-encoded; nodemailer writes the reply's subject encoded its own way:
    // Gmail compares the subjects as a reader sees them.
    const original = await e2e.deliver(
      OWNER,
      rawMail({
        from: 'carla@client.test',
        to: OWNER,
        subject: '=?iso-8859-1?Q?D=FAvida_sobre_contrato?=',
        messageId: '<duvida-1@client.test>',
      }),
    );
    const res = await send({
      to: ['carla@client.test'],
      subject: 'Re: Dúvida sobre contrato',
      text: 'Segue a resposta.',
      reply_to_message_id: original.id,
    });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { thread_id: string; activity_id: string };
    expect(answer.thread_id).toBe(original.threadId);
    const parsed = await simpleParser((await sentRaw()).at(-1) ?? Buffer.alloc(0));
    expect(parsed.subject).toBe('Re: Dúvida sobre contrato');
  });

  it('when the subject or an address carries CR/LF, then the request is refused and no header is injected', async () => {
    const before = (await sentRaw()).length;
    const res = await send({
      to: ['carla@client.test'],
      subject: 'Hi\r\nBcc: victim@evil.test',
      text: 'x',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('subject');
    const res2 = await send({
      to: ['carla@client.test\r\nBcc: victim@evil.test'],
      subject: 'Hi',
      text: 'x',
    });
    expect(res2.status).toBe(400);
    expect((await sentRaw()).length).toBe(before);
  });

  it('when a recipient hides a second address (line separator, tab, group, an address as the name), then the send is refused and nothing goes out', async () => {
    const before = (await sentRaw()).length;
    const hostile = [
      'a@b.test\u2028Bcc: evil@x.test',
      'a@b.test\tBcc: evil@x.test',
      'Sales: evil@x.test',
      '"boss@corp.test" <evil@x.test>',
      'boss@corp.test <evil@x.test>',
      'carla@client.test, evil@x.test',
    ];
    for (const entry of hostile) {
      const res = await send({ to: ['carla@client.test'], cc: [entry], subject: 'Hi', text: 'x' });
      expect(res.status, entry).toBe(400);
      const { error } = (await res.json()) as { error: { field: string; message: string } };
      expect(error.field).toMatch(/^cc/);
      expect(error.message).not.toContain('evil');
    }
    expect((await sentRaw()).length).toBe(before);
  });

  it('when a send succeeds, then the answer says exactly where the mail went', async () => {
    const res = await send({
      to: ['"Carla Cliente" <Carla@Client.test>'],
      bcc: ['audit@vendor.test'],
      subject: 'Where it went',
      text: 'x',
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { recipients: unknown }).recipients).toEqual({
      to: ['carla@client.test'],
      cc: [],
      bcc: ['audit@vendor.test'],
    });
  });

  it('when the same Idempotency-Key is used twice, also concurrently, then one mail is sent and both answers are the same', async () => {
    const before = (await sentRaw()).length;
    const body = { to: ['carla@client.test'], subject: 'Once only', text: 'exactly once' };
    const [a, b] = await Promise.all([send(body, 'same-key'), send(body, 'same-key')]);
    const statuses = [a.status, b.status].sort();
    // One runs; the other finds it in flight (409) or, if it came after, replays the answer (201).
    expect(statuses[0]).toBe(201);
    const again = await send(body, 'same-key');
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(await (a.status === 201 ? a : b).json());
    expect((await sentRaw()).length).toBe(before + 1);

    const other = await send({ ...body, text: 'different' }, 'same-key');
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe(
      'idempotency_key_reused',
    );
  });

  it.each([
    [{ subject: 'x', text: 'y' }, 'to'],
    [{ to: [], subject: 'x', text: 'y' }, 'to'],
    [{ to: ['not-an-address'], subject: 'x', text: 'y' }, 'to.0'],
    [{ to: ['a@b.test'], subject: 'x' }, 'text'],
    [{ to: ['a@b.test'], subject: 'x'.repeat(999), text: 'y' }, 'subject'],
    [{ to: ['a@b.test'], subject: 'x', text: 'y', entity_type: 'deal' }, 'entity_id'],
    [{ to: Array.from({ length: 101 }, (_, i) => `r${i}@b.test`), subject: 'x', text: 'y' }, 'to'],
  ])('when the body is invalid (%j), then 400 names %s', async (body, field) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
  });

  it("when the entity is not in the caller's org, then 422 names entity_id", async () => {
    const res = await send({
      to: ['a@b.test'],
      subject: 'x',
      text: 'y',
      entity_type: 'contact',
      entity_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('entity_id');
  });

  it('when no Idempotency-Key is given, then 400 says so', async () => {
    const res = await e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      body: JSON.stringify({ to: ['a@b.test'], subject: 'x', text: 'y' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe(
      'Idempotency-Key',
    );
  });
});

async function waitForJobs(e2e: E2E) {
  await waitFor(
    async () => {
      const { rows } = await e2e.database.pool.query(
        `select count(*)::int as n from graphile_worker.jobs where attempts < max_attempts and task_identifier = 'sync_mailbox'`,
      );
      return rows[0].n === 0;
    },
    { timeoutMs: 20_000 },
  );
}
