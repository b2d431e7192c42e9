import type { gmail_v1 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { corpus } from '../mail/corpus.ts';
import { deliver, gmailFor } from '../support/sim-gmail.ts';

const OWNER = 'owner@sim.test';

describe('the simulated Gmail API, through googleapis', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  const faults = (body: unknown) =>
    fetch(`${sim.baseUrl}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, OWNER));
    await faults({ quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when raw mail of every shape is delivered, then format=raw returns the exact bytes', async () => {
    for (const raw of Object.values(corpus)) {
      const { id } = await deliver(sim, OWNER, raw);
      const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'raw' });
      expect(Buffer.from(data.raw ?? '', 'base64url').equals(raw)).toBe(true);
    }
  });

  it("when a mixed message is read in full, then the part tree is Gmail's", async () => {
    const { id } = await deliver(sim, OWNER, corpus.mixedWithAttachment as Buffer);
    const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'full' });
    const p = data.payload as gmail_v1.Schema$MessagePart;
    expect(p.partId).toBe('');
    expect(p.mimeType).toBe('multipart/mixed');
    expect(p.parts?.map((x) => [x.partId, x.mimeType])).toEqual([
      ['0', 'multipart/alternative'],
      ['1', 'application/pdf'],
    ]);
    expect(p.parts?.[0]?.parts?.map((x) => x.partId)).toEqual(['0.0', '0.1']);
    const text = p.parts?.[0]?.parts?.[0];
    expect(Buffer.from(text?.body?.data ?? '', 'base64url').toString('utf8')).toBe(
      'See the contract — signed.',
    );
    const pdf = p.parts?.[1];
    expect(pdf?.filename).toBe('contract.pdf');
    expect(pdf?.body?.data).toBeUndefined();
    const att = await gmail.users.messages.attachments.get({
      userId: 'me',
      messageId: id,
      id: pdf?.body?.attachmentId ?? '',
    });
    expect(Buffer.from(att.data.data ?? '', 'base64url').toString('latin1')).toContain('%PDF-1.4');
    // Headers come back as written: encoded words are not decoded.
    const latin = await deliver(sim, OWNER, corpus.latin1 as Buffer);
    const meta = await gmail.users.messages.get({
      userId: 'me',
      id: latin.id,
      format: 'metadata',
      metadataHeaders: ['Subject'],
    });
    expect(meta.data.payload?.headers).toEqual([
      { name: 'Subject', value: '=?ISO-8859-1?Q?Cota=E7=E3o_de_pre=E7os?=' },
    ]);
    const minimal = await gmail.users.messages.get({ userId: 'me', id, format: 'minimal' });
    expect(minimal.data.payload).toBeUndefined();
    expect(minimal.data.labelIds).toEqual(['INBOX', 'UNREAD']);
  });

  it('when messages.list is asked with search operators, then it answers as Gmail does', async () => {
    const mb = 'search@sim.test';
    const { gmail: g } = await gmailFor(sim, mb);
    const mail = (from: string, to: string, subject: string) =>
      `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nbody\r\n`;
    const a = await deliver(sim, mb, mail('carla@client.test', mb, 'one'));
    const b = await deliver(sim, mb, mail('luis@prospect.test', mb, 'two'));
    const c = await deliver(sim, mb, mail('spam@bad.test', mb, 'three'), ['SPAM']);
    const ids = async (q: string) =>
      ((await g.users.messages.list({ userId: 'me', q })).data.messages ?? []).map((m) => m.id);
    expect(await ids('from:carla@client.test')).toEqual([a.id]);
    expect(await ids('{from:carla@client.test from:luis@prospect.test}')).toEqual([b.id, a.id]);
    expect(await ids('from:carla@client.test OR from:luis@prospect.test')).toEqual([b.id, a.id]);
    expect(await ids('-from:carla@client.test')).toEqual([b.id]);
    expect(await ids('in:spam')).toEqual([c.id]);
    expect(await ids(`after:${Math.floor(Date.now() / 1000) - 60}`)).toEqual([b.id, a.id]);
    expect(await ids(`before:${Math.floor(Date.now() / 1000) - 60}`)).toEqual([]);
    const page = await g.users.messages.list({ userId: 'me', maxResults: 1 });
    expect(page.data.messages).toHaveLength(1);
    expect(page.data.nextPageToken).toBeTruthy();
  });

  it('when history is listed in pages, then every added message appears once; after expiry the start answers 404', async () => {
    const mb = 'history@sim.test';
    const { gmail: g } = await gmailFor(sim, mb);
    const start = (await g.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const added: string[] = [];
    for (let i = 0; i < 7; i++) added.push((await deliver(sim, mb, `Subject: h${i}\r\n\r\nx`)).id);
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await g.users.history.list({
        userId: 'me',
        startHistoryId: start,
        historyTypes: ['messageAdded'],
        maxResults: 3,
        ...(pageToken ? { pageToken } : {}),
      });
      for (const h of data.history ?? [])
        for (const m of h.messagesAdded ?? []) seen.push(m.message?.id ?? '');
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(seen).toEqual(added);
    await fetch(`${sim.baseUrl}/__sim/mailboxes/${mb}/expire-history`, { method: 'POST' });
    const gone = await g.users.history
      .list({ userId: 'me', startHistoryId: start })
      .catch((e: { status?: number }) => e);
    expect((gone as { status?: number }).status).toBe(404);
  });

  it("when another mailbox changes, then this one's profile historyId stays; its own change moves it", async () => {
    const mb = 'profile@sim.test';
    const { gmail: g } = await gmailFor(sim, mb);
    const profileId = async () =>
      Number((await g.users.getProfile({ userId: 'me' })).data.historyId);
    const before = await profileId();
    await deliver(sim, OWNER, 'Subject: elsewhere\r\n\r\nx');
    expect(await profileId()).toBe(before);
    const { historyId } = await deliver(sim, mb, 'Subject: mine\r\n\r\nx');
    expect(await profileId()).toBe(Number(historyId));
    expect(Number(historyId)).toBeGreaterThan(before);
  });

  it('when a reply is sent, then it joins the thread only when threadId, headers and subject agree', async () => {
    const orig = await deliver(
      sim,
      OWNER,
      'From: c@client.test\r\nTo: owner@sim.test\r\nSubject: Pricing\r\nMessage-ID: <p1@client.test>\r\n\r\nhi',
    );
    const reply = (subject: string, threadId?: string) =>
      gmail.users.messages.send({
        userId: 'me',
        requestBody: {
          raw: Buffer.from(
            `To: c@client.test\r\nSubject: ${subject}\r\nIn-Reply-To: <p1@client.test>\r\nReferences: <p1@client.test>\r\n\r\nok`,
          ).toString('base64url'),
          ...(threadId ? { threadId } : {}),
        },
      });
    expect((await reply('Re: Pricing', orig.threadId)).data.threadId).toBe(orig.threadId);
    expect((await reply('Different subject', orig.threadId)).data.threadId).not.toBe(orig.threadId);
    expect((await reply('Re: Pricing')).data.threadId).not.toBe(orig.threadId);
  });

  it('when calls exceed the per-user quota, then Gmail answers 429 rateLimitExceeded', async () => {
    await faults({ quota_units_per_sec: 100 });
    const { id } = await deliver(sim, OWNER, 'Subject: q\r\n\r\nx');
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        gmail.users.messages.get({ userId: 'me', id }).then(
          () => 200,
          (e: {
            status?: number;
            response?: { data?: { error?: { errors?: { reason?: string }[] } } };
          }) => e.response?.data?.error?.errors?.[0]?.reason ?? e.status,
        ),
      ),
    );
    expect(results.filter((r) => r === 200).length).toBe(5);
    expect(results.filter((r) => r === 'rateLimitExceeded').length).toBe(7);
    await faults({ quota_units_per_sec: 1_000_000 });
  });

  it('when some calls are refused for quota, then the stats charge units for the served ones only', async () => {
    await fetch(`${sim.baseUrl}/__sim/reset-stats`, { method: 'POST' });
    await faults({ quota_units_per_sec: 100 });
    const { id } = await deliver(sim, OWNER, 'Subject: q\r\n\r\nx');
    await Promise.all(
      Array.from({ length: 12 }, () =>
        gmail.users.messages.get({ userId: 'me', id }).catch(() => undefined),
      ),
    );
    await faults({ quota_units_per_sec: 1_000_000 });
    const stats = (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as {
      units: number;
      users: Record<string, unknown>;
    };
    // 2026 profile: a get costs 20; the one-second bucket holds 100, so 5 are served.
    expect(stats.users[OWNER]).toEqual({
      calls: { 'messages.get': 12 },
      units: 100,
      rate_limited: 7,
      refused: { 'messages.get': 7 },
    });
    expect(stats.units).toBe(100);
  });

  it('when errors and latency are injected with a seed, then calls fail at that rate, repeatably', async () => {
    const run = async () => {
      await faults({ error_rate: 0.5, error_codes: [500, 503], seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++)
        out.push(
          await gmail.users.getProfile({ userId: 'me' }).then(
            () => 200,
            (e: { status?: number }) => e.status ?? 0,
          ),
        );
      return out;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(4);
    await faults({ error_rate: 0, latency_ms: 120 });
    const t0 = performance.now();
    await gmail.users.getProfile({ userId: 'me' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    await faults({ reset: true, quota_units_per_sec: 1_000_000 });
  });

  it('when the access token is unknown, then Gmail answers 401 UNAUTHENTICATED', async () => {
    const res = await fetch(`${sim.baseUrl}/gmail/v1/users/me/profile`, {
      headers: { authorization: 'Bearer ya29.unknown' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('the simulated batch endpoint', () => {
  it('when three gets are batched, then each answers in its part and each counts as one call', async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      const { auth } = await gmailFor(sim, 'batch@sim.test');
      const ids = [];
      for (let i = 0; i < 2; i++)
        ids.push((await deliver(sim, 'batch@sim.test', `Subject: b${i}\r\n\r\nx`)).id);
      const boundary = 'batch_test';
      const part = (n: number, path: string) =>
        `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${n}>\r\n\r\nGET ${path}\r\n\r\n`;
      const body = `${part(1, `/gmail/v1/users/me/messages/${ids[0]}?format=minimal`)}${part(2, `/gmail/v1/users/me/messages/${ids[1]}?format=minimal`)}${part(3, '/gmail/v1/users/me/messages/missing')}--${boundary}--\r\n`;
      const token = (await auth.getAccessToken()).token;
      const res = await fetch(`${sim.baseUrl}/batch/gmail/v1`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/mixed; boundary=${boundary}`,
        },
        body,
      });
      const text = await res.text();
      expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=/);
      expect(text).toContain('Content-ID: <response-item1>');
      expect(text).toContain(`"id":"${ids[1]}"`);
      expect(text).toContain('HTTP/1.1 404');
      const stats = (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as {
        calls: Record<string, number>;
      };
      expect(stats.calls['messages.get']).toBe(3);
    } finally {
      await sim.close();
    }
  });
});
