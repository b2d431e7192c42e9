// What a CRM's sequences rely on, end to end on the simulator: suppression refuses a send, the
// one-click unsubscribe link (GET changes nothing, POST suppresses), scheduled mail (sent once at
// its time, cancelled, found in Gmail after an attempt of unknown outcome, postponed by the daily
// limit), replies and out-of-office answers as events, a foreign server's hard bounce.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getMailbox } from '../../src/mailbox/mailbox-store.ts';
import { runScheduledSend } from '../../src/scheduled/run-scheduled.ts';
import { sendingDeps } from '../../src/scheduled/scheduled-deps.ts';
import { openMail } from '../../src/scheduled/sealed-mail.ts';
import { sendRaw } from '../../src/send/gmail-send.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-seq';
const user = { sub: 'user-seq', org: ORG, name: 'Rita Vendas' };
const admin = { sub: 'admin-seq', org: ORG, admin: true };
const OWNER = 'rita@vendor.test';
let keys = 0;

describe('sequences on the simulator', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E({ scheduleMinLeadMs: 1_000 });
    for (const name of ['bruno', 'carla', 'dora', 'eva', 'fabio', 'gil']) {
      await addContact(e2e.deps.database.db, ORG, name, `${name}@client.test`);
    }
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    await e2e.simControl('faults', {
      method: 'PUT',
      body: { quota_units_per_sec: 1_000_000, push: { per_user_per_sec: 0 } },
    });
  });
  afterEach(async () => {
    await e2e.resetFaults();
    await e2e.simControl('faults', {
      method: 'PUT',
      body: { quota_units_per_sec: 1_000_000, push: { per_user_per_sec: 0 } },
    });
  });
  afterAll(async () => {
    await e2e.close();
  });

  const send = (body: Record<string, unknown>, as = user) =>
    e2e.api('/integrations/gmail/send', {
      user: as,
      method: 'POST',
      headers: { 'idempotency-key': `seq-${++keys}` },
      body: JSON.stringify({ subject: 'Proposta', text: 'Segue a proposta.', ...body }),
    });
  const sentRaw = async () => {
    const res = await e2e.simControl(`mailboxes/${OWNER}/sent`);
    const { messages } = (await res.json()) as { messages: { raw: string }[] };
    return messages.map((m) => Buffer.from(m.raw, 'base64url').toString('utf8'));
  };
  const events = async (type: string) => {
    const { rows } = await e2e.database.pool.query(
      'select payload from events where type = $1 order by id',
      [type],
    );
    return rows.map((r) => r.payload as Record<string, unknown>);
  };
  const suppression = async (email: string) => {
    const { rows } = await e2e.database.pool.query(
      'select email, reason from suppressions where org_id = $1 and canonical = $2',
      [ORG, email],
    );
    return rows;
  };

  it('when an admin suppresses an address, then a send to it (now or later) answers 422 suppressed naming it and nothing goes', async () => {
    const added = await e2e.api('/org/suppressions', {
      user: admin,
      method: 'POST',
      body: JSON.stringify({ email: 'Gil@Client.test' }),
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ email: 'gil@client.test', reason: 'manual' });
    expect((await e2e.api('/org/suppressions', { user })).status).toBe(403);
    const before = (await sentRaw()).length;
    const now = await send({ to: ['Fabio <fabio@client.test>', 'gil@client.test'] });
    expect(now.status).toBe(422);
    expect(await now.json()).toMatchObject({
      error: { code: 'suppressed', addresses: ['gil@client.test'] },
    });
    const later = await send({
      to: ['gil@client.test'],
      send_at: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(later.status).toBe(422);
    expect((await sentRaw()).length).toBe(before);
    const listed = await e2e.api('/org/suppressions', { user: admin });
    expect(
      ((await listed.json()) as { items: { email: string }[] }).items.map((i) => i.email),
    ).toEqual(['gil@client.test']);
    const lifted = await e2e.api('/org/suppressions/gil@client.test', {
      user: admin,
      method: 'DELETE',
    });
    expect(lifted.status).toBe(200);
    expect((await send({ to: ['gil@client.test'] })).status).toBe(201);
  });

  it('when a mail carries the one-click unsubscribe link, then GET shows a button and changes nothing, POST suppresses once, a tampered link is refused, and the next send is 422', async () => {
    const res = await send({ to: ['eva@client.test'], list_unsubscribe: true });
    expect(res.status).toBe(201);
    // Headers unfolded (RFC 5322 §2.2.3): the composer folds the long link onto a second line.
    const raw = ((await sentRaw()).at(-1) ?? '').replace(/\r?\n[ \t]+/g, ' ');
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const url = /^List-Unsubscribe:\s*<([^>]+)>/m.exec(raw)?.[1] ?? '';
    expect(url.startsWith(`${e2e.url}/u/`)).toBe(true);
    // Opaque: the address is nowhere in the link.
    expect(url).not.toContain('eva');
    expect(Buffer.from(url.split('/u/')[1] ?? '', 'base64url').toString('latin1')).not.toContain(
      'eva@',
    );

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect(await suppression('eva@client.test')).toEqual([]);

    const token = url.split('/u/')[1] ?? '';
    const flipped = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    const forged = await fetch(`${e2e.url}/u/${flipped}`, { method: 'POST' });
    expect(forged.status).toBe(404);
    expect(await suppression('eva@client.test')).toEqual([]);

    for (let i = 0; i < 2; i++) {
      const done = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(done.status).toBe(200);
    }
    expect(await suppression('eva@client.test')).toEqual([
      { email: 'eva@client.test', reason: 'unsubscribed' },
    ]);
    expect((await send({ to: ['eva@client.test'] })).status).toBe(422);
    expect(
      (await send({ to: ['a@client.test', 'b@client.test'], list_unsubscribe: true })).status,
    ).toBe(400);
  });

  it('when a mail is scheduled, then it is listed, goes once at its time, scheduled.sent tells the CRM, and it can no longer be cancelled', async () => {
    const sendAt = new Date(Date.now() + 2_000);
    const res = await send({
      to: ['bruno@client.test'],
      subject: 'Agendada',
      send_at: sendAt.toISOString(),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { scheduled_id: string; send_at: string; status: string };
    expect(body).toEqual({
      scheduled_id: expect.any(String),
      send_at: sendAt.toISOString(),
      status: 'scheduled',
    });
    const list = await e2e.api('/integrations/gmail/scheduled', { user });
    expect(
      ((await list.json()) as { items: { scheduled_id: string; status: string }[] }).items,
    ).toContainEqual(
      expect.objectContaining({ scheduled_id: body.scheduled_id, status: 'scheduled' }),
    );
    const sent = await waitFor(
      async () =>
        (await events('scheduled.sent')).find((p) => p.scheduled_id === body.scheduled_id),
      { timeoutMs: 20_000, what: 'scheduled.sent' },
    );
    expect(sent.activity_id).toEqual(expect.any(String));
    expect((await sentRaw()).filter((r) => /^Subject: Agendada\r?$/m.test(r))).toHaveLength(1);
    const cancel = await e2e.api(`/integrations/gmail/scheduled/${body.scheduled_id}`, {
      user,
      method: 'DELETE',
    });
    expect(cancel.status).toBe(409);
    expect(await cancel.json()).toMatchObject({ error: { code: 'already_sent' } });
  });

  it('when a scheduled mail is cancelled, then its attempt is gone and, run anyway, it does not go', async () => {
    const res = await send({
      to: ['bruno@client.test'],
      subject: 'Cancelada',
      send_at: new Date(Date.now() + 60_000).toISOString(),
    });
    const { scheduled_id } = (await res.json()) as { scheduled_id: string };
    const cancel = await e2e.api(`/integrations/gmail/scheduled/${scheduled_id}`, {
      user,
      method: 'DELETE',
    });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ scheduled_id, status: 'cancelled' });
    const { rows } = await e2e.database.pool.query(
      `select 1 from graphile_worker.jobs where key = $1`,
      [`scheduled:${scheduled_id}`],
    );
    expect(rows).toEqual([]);
    expect(await runScheduledSend(sendingDeps(e2e.deps), scheduled_id)).toBe('nothing_due');
    expect((await sentRaw()).filter((r) => /^Subject: Cancelada\r?$/m.test(r))).toHaveLength(0);
    const other = await e2e.api(`/integrations/gmail/scheduled/${scheduled_id}`, {
      user: { ...user, sub: 'someone-else' },
      method: 'DELETE',
    });
    expect(other.status).toBe(404);
  });

  it('when an attempt died after Gmail took the mail, then the next attempt finds it by Message-ID and does not send again', async () => {
    const res = await send({
      to: ['bruno@client.test'],
      subject: 'Uma vez',
      send_at: new Date(Date.now() + 120_000).toISOString(),
    });
    const { scheduled_id } = (await res.json()) as { scheduled_id: string };
    const db = e2e.deps.database.db;
    // What a crash leaves: the row claimed (sending), the mail in Gmail, nothing recorded.
    const { rows } = await e2e.database.pool.query(
      `update scheduled_sends set status = 'sending', next_attempt_at = now(),
              history_id_before = (select history_id from mailboxes where id = mailbox_id)
        where id = $1 returning mailbox_id, sealed_mail, wrapped_key, key_id`,
      [scheduled_id],
    );
    const row = rows[0];
    const mail = await openMail(e2e.deps.vault, scheduled_id, {
      ciphertext: row.sealed_mail,
      wrappedKey: row.wrapped_key,
      keyId: row.key_id,
    });
    const mailbox = await getMailbox(db, row.mailbox_id);
    if (!mailbox) throw new Error('no mailbox');
    await sendRaw(sendingDeps(e2e.deps), mailbox, mail.raw, null);
    expect(await runScheduledSend(sendingDeps(e2e.deps), scheduled_id)).toBe('found_sent');
    expect((await sentRaw()).filter((r) => /^Subject: Uma vez\r?$/m.test(r))).toHaveLength(1);
    expect(
      (await events('scheduled.sent')).filter((p) => p.scheduled_id === scheduled_id),
    ).toHaveLength(1);
  });

  it('when Gmail’s daily limit refuses a scheduled mail, then it waits, scheduled, for the time Gmail names', async () => {
    await e2e.simControl('faults', { method: 'PUT', body: { send_daily_limit: 0 } });
    const res = await send({
      to: ['bruno@client.test'],
      subject: 'Limite',
      send_at: new Date(Date.now() + 1_500).toISOString(),
    });
    const { scheduled_id } = (await res.json()) as { scheduled_id: string };
    const row = await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          'select status, next_attempt_at, last_error from scheduled_sends where id = $1 and attempts > 0',
          [scheduled_id],
        );
        return rows[0]?.status === 'scheduled' && rows[0];
      },
      { timeoutMs: 20_000, what: 'the attempt refused by the limit' },
    );
    expect(row.last_error).toBe('daily_send_limit');
    expect(new Date(row.next_attempt_at).getTime() - Date.now()).toBeGreaterThan(60 * 60_000);
    expect(await events('scheduled.failed')).toEqual([]);
  });

  it('when a recipient replies, then thread.replied names both activities; an out-of-office makes message.auto_replied and no thread.replied', async () => {
    await e2e.simControl('recipients/carla@client.test', {
      method: 'PUT',
      body: { answer: 'reply', delay_ms: 50 },
    });
    await e2e.simControl('recipients/dora@client.test', {
      method: 'PUT',
      body: { answer: 'auto_reply', language: 'es', delay_ms: 50 },
    });
    const toCarla = (await (await send({ to: ['carla@client.test'] })).json()) as {
      activity_id: string;
      thread_id: string;
    };
    const toDora = (await (await send({ to: ['dora@client.test'] })).json()) as {
      activity_id: string;
      thread_id: string;
    };
    const replied = await waitFor(
      async () =>
        (await events('thread.replied')).find(
          (p) => p.replied_to_activity_id === toCarla.activity_id,
        ),
      { timeoutMs: 20_000, what: 'thread.replied' },
    );
    expect(replied).toEqual({
      activity_id: expect.any(String),
      replied_to_activity_id: toCarla.activity_id,
      thread_id: toCarla.thread_id,
      from: 'carla@client.test',
    });
    const auto = await waitFor(
      async () =>
        (await events('message.auto_replied')).find(
          (p) => p.replied_to_activity_id === toDora.activity_id,
        ),
      { timeoutMs: 20_000, what: 'message.auto_replied' },
    );
    expect(auto.from).toBe('dora@client.test');
    expect((await events('thread.replied')).filter((p) => p.from === 'dora@client.test')).toEqual(
      [],
    );
  });

  it('when a foreign server returns the mail as a hard bounce, then message.bounced names the activity and the address is suppressed', async () => {
    await e2e.simControl('recipients/fabio@client.test', {
      method: 'PUT',
      body: { answer: 'bounce', mta: 'exim', kind: 'hard', delay_ms: 50 },
    });
    const sent = (await (await send({ to: ['fabio@client.test'] })).json()) as {
      activity_id: string;
    };
    const bounced = await waitFor(
      async () =>
        (await events('message.bounced')).find((p) => p.recipient === 'fabio@client.test'),
      { timeoutMs: 30_000, what: 'message.bounced' },
    );
    expect(bounced).toEqual({
      activity_id: sent.activity_id,
      recipient: 'fabio@client.test',
      kind: 'hard',
      diagnostic: expect.stringContaining('550 5.1.1'),
    });
    expect(await suppression('fabio@client.test')).toEqual([
      { email: 'fabio@client.test', reason: 'hard_bounce' },
    ]);
    const again = await send({ to: ['fabio@client.test'] });
    expect(again.status).toBe(422);
    const { rows } = await e2e.database.pool.query(
      `select count(*)::int as n from activities where content->>'from' ilike '%mailer-daemon%'`,
    );
    expect(rows[0].n).toBe(0);
  });
});
