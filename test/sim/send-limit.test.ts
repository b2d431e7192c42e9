import type { gmail_v1 } from 'googleapis';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { faults, gmailFor } from '../support/sim-gmail.ts';

const send = (gmail: gmail_v1.Gmail, n: number) =>
  gmail.users.messages.send({
    userId: 'me',
    requestBody: {
      raw: Buffer.from(
        `From: seller@sim.test\r\nTo: buyer@client.test\r\nSubject: Offer ${n}\r\nMessage-ID: <offer${n}@sim.test>\r\n\r\nhello`,
      ).toString('base64url'),
    },
  });

interface GmailFailure {
  status?: number;
  response?: {
    data?: { error?: { message?: string; errors?: { reason?: string; domain?: string }[] } };
  };
}

describe('the simulated Gmail daily sending limit', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when a user has sent the day’s limit, then the next send answers 429 with a retry time hours away', async () => {
    const { gmail } = await gmailFor(sim, 'limited@sim.test');
    await faults(sim, { quota_units_per_sec: 1_000_000, send_daily_limit: 2 });
    await send(gmail, 1);
    await send(gmail, 2);
    const refused = (await send(gmail, 3).catch((e: GmailFailure) => e)) as GmailFailure;
    expect(refused.status).toBe(429);
    const error = refused.response?.data?.error;
    expect(error?.errors?.[0]).toMatchObject({ reason: 'rateLimitExceeded' });
    const match = /^User-rate limit exceeded\. {2}Retry after (\S+) \(Mail sending\)$/.exec(
      error?.message ?? '',
    );
    expect(match).not.toBeNull();
    const retryAt = Date.parse(match?.[1] ?? '');
    expect(retryAt - Date.now()).toBeGreaterThan(60 * 60_000);
  });

  it('when sends within the grace pass the limit, then they are accepted and a bounce from mailer-daemon threads with each', async () => {
    const { gmail } = await gmailFor(sim, 'seller@sim.test');
    await faults(sim, { quota_units_per_sec: 1_000_000, send_daily_limit: 1, send_limit_grace: 1 });
    await send(gmail, 1);
    const over = await send(gmail, 2);
    const refused = (await send(gmail, 3).catch((e: GmailFailure) => e)) as GmailFailure;
    expect(refused.status).toBe(429);

    const inbox = await gmail.users.messages.list({ userId: 'me', labelIds: ['INBOX'] });
    expect(inbox.data.messages).toHaveLength(1);
    const bounceId = inbox.data.messages?.[0]?.id ?? '';
    const raw = await gmail.users.messages.get({ userId: 'me', id: bounceId, format: 'raw' });
    const bounce = await simpleParser(Buffer.from(raw.data.raw ?? '', 'base64url'));
    expect(bounce.from?.value[0]).toMatchObject({
      name: 'Mail Delivery Subsystem',
      address: 'mailer-daemon@googlemail.com',
    });
    expect(bounce.inReplyTo).toBe('<offer2@sim.test>');
    expect(bounce.references).toBe('<offer2@sim.test>');
    expect(bounce.headers.get('content-type')).toMatchObject({
      value: 'multipart/report',
      params: { 'report-type': 'delivery-status' },
    });
    // The report's parts as Gmail serves them: the human text, the machine-readable status, and
    // the headers of the mail that bounced.
    const { data } = await gmail.users.messages.get({ userId: 'me', id: bounceId, format: 'full' });
    const parts = new Map(
      (data.payload?.parts ?? []).map((p) => [
        p.mimeType,
        Buffer.from(p.body?.data ?? '', 'base64url').toString('utf8'),
      ]),
    );
    expect([...parts.keys()]).toEqual([
      'text/plain',
      'message/delivery-status',
      'text/rfc822-headers',
    ]);
    expect(parts.get('message/delivery-status')).toMatch(
      /Final-Recipient: rfc822; buyer@client\.test[\s\S]*Status: 5\.4\.5/,
    );
    expect(parts.get('text/rfc822-headers')).toContain('Subject: Offer 2');
    const full = await gmail.users.messages.get({ userId: 'me', id: bounceId, format: 'minimal' });
    expect(full.data.threadId).toBe(over.data.threadId);
    expect(full.data.labelIds).toEqual(['INBOX', 'UNREAD']);
    await faults(sim, { reset: true });
  });
});
