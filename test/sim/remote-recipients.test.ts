// The simulator's recipients who answer: foreign servers' bounces in their own shapes, auto-replies
// threaded with the mail, and Gmail's `rfc822msgid:` search; all through Google's client library.
import type { gmail_v1 } from 'googleapis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { faults, gmailFor } from '../support/sim-gmail.ts';
import { waitFor } from '../support/wait-for.ts';

const send = (gmail: gmail_v1.Gmail, to: string, id: string) =>
  gmail.users.messages.send({
    userId: 'me',
    requestBody: {
      raw: Buffer.from(
        `From: seller@sim.test\r\nTo: ${to}\r\nSubject: Proposta\r\nMessage-ID: <${id}@sim.test>\r\n\r\nSegue a proposta.`,
      ).toString('base64url'),
    },
  });

describe('recipients who answer in the simulator', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  const control = (path: string, body: unknown) =>
    fetch(`${sim.baseUrl}/__sim/${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, 'seller@sim.test'));
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterEach(() => faults(sim, { reset: true, quota_units_per_sec: 1_000_000 }));
  afterAll(async () => {
    await sim.close();
  });

  const inboxMessage = async (subject: RegExp) =>
    waitFor(async () => {
      const list = await gmail.users.messages.list({ userId: 'me', labelIds: ['INBOX'] });
      for (const m of list.data.messages ?? []) {
        const got = await gmail.users.messages.get({
          userId: 'me',
          id: m.id ?? '',
          format: 'full',
        });
        const s = got.data.payload?.headers?.find((h) => h.name === 'Subject')?.value ?? '';
        if (subject.test(s)) return got.data;
      }
      return undefined;
    });

  it('when mail goes to an address set to bounce from Postfix, then a multipart/report from its MAILER-DAEMON arrives, apart from the thread, and search finds it by the recipient', async () => {
    expect(
      (
        await control('recipients/gone@client.test', {
          answer: 'bounce',
          mta: 'postfix',
          kind: 'hard',
          delay_ms: 10,
        })
      ).status,
    ).toBe(200);
    const sent = await send(gmail, 'gone@client.test', 'p1');
    const report = await inboxMessage(/Undelivered Mail Returned to Sender/);
    expect(report.payload?.mimeType).toBe('multipart/report');
    expect(report.payload?.parts?.map((p) => p.mimeType)).toEqual([
      'text/plain',
      'message/delivery-status',
      'text/rfc822-headers',
    ]);
    const from = report.payload?.headers?.find((h) => h.name === 'From')?.value;
    expect(from).toContain('MAILER-DAEMON@mx.client.test');
    expect(report.threadId).not.toBe(sent.data.threadId);
    const found = await gmail.users.messages.list({
      userId: 'me',
      q: '{gone@client.test} -in:sent',
    });
    expect(found.data.messages?.map((m) => m.id)).toContain(report.id);
  });

  it('when mail goes to an address set to answer out of office in Portuguese, then the auto-reply joins the thread with Auto-Submitted', async () => {
    await control('recipients/away@client.test', {
      answer: 'auto_reply',
      language: 'pt',
      delay_ms: 10,
    });
    const sent = await send(gmail, 'away@client.test', 'p2');
    const reply = await inboxMessage(/^Resposta automática: Proposta$/);
    expect(reply.threadId).toBe(sent.data.threadId);
    const auto = reply.payload?.headers?.find((h) => h.name === 'Auto-Submitted')?.value;
    expect(auto).toBe('auto-replied');
  });

  it('when an unknown answer is asked for, then the control API refuses it', async () => {
    expect((await control('recipients/x@client.test', { answer: 'maybe' })).status).toBe(400);
    expect(
      (await control('recipients/x@client.test', { answer: 'bounce', mta: 'lotus' })).status,
    ).toBe(400);
  });

  it('when searching rfc822msgid:, then the one mail with that Message-ID is found, brackets or not', async () => {
    const sent = await send(gmail, 'someone@client.test', 'unique-42');
    const bare = await gmail.users.messages.list({
      userId: 'me',
      q: 'rfc822msgid:unique-42@sim.test',
    });
    expect(bare.data.messages?.map((m) => m.id)).toEqual([sent.data.id]);
    const none = await gmail.users.messages.list({
      userId: 'me',
      q: 'rfc822msgid:unique-43@sim.test',
    });
    expect(none.data.messages ?? []).toEqual([]);
  });
});
