// Sending when Gmail refuses for rate or for the daily sending limit: a rate refusal means nothing
// was sent, so the send is paced and retried (never "outcome unknown"); the daily limit is
// answered at once with Gmail's time, not retried.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { gmailFor } from '../support/sim-gmail.ts';

describe('sending while Gmail refuses', () => {
  let e2e: E2E;
  let n = 0;

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
  });
  afterEach(async () => {
    await e2e.simControl('faults', { method: 'PUT', body: { reset: true } });
  });
  afterAll(async () => {
    await e2e.close();
  });

  /** A connected mailbox of its own, so each test counts only its own sends. */
  async function connected() {
    const i = ++n;
    const user = { sub: `user-throttled-${i}`, org: 'org-throttled', name: 'Rita' };
    const email = `rita${i}@vendor.test`;
    expect((await e2e.connect(user, email)).status).toBe(200);
    const send = () =>
      e2e.api('/integrations/gmail/send', {
        user,
        method: 'POST',
        headers: { 'idempotency-key': `key-${i}-${Math.random()}` },
        body: JSON.stringify({ to: ['carla@client.test'], subject: 'Proposta', text: 'Olá' }),
      });
    const stats = async () => {
      const body = (await (await e2e.simControl('stats')).json()) as {
        users: Record<string, { calls: Record<string, number>; rate_limited: number }>;
      };
      const user = body.users[email];
      return { sends: user?.calls['messages.send'] ?? 0, refusedForRate: user?.rate_limited ?? 0 };
    };
    const sent = async () => {
      const body = (await (await e2e.simControl(`mailboxes/${email}/sent`)).json()) as {
        messages: unknown[];
      };
      return body.messages.length;
    };
    return { email, send, stats, sent };
  }

  for (const form of ['429', '403', 'exhausted'] as const) {
    it(`when Gmail refuses the send for rate in the ${form} form, then it is retried and sent once`, async () => {
      const mailbox = await connected();
      // One second's quota is exactly one send; another client of the same user keeps spending it.
      await e2e.simControl('faults', {
        method: 'PUT',
        body: { quota_units_per_sec: 100, quota_error: form },
      });
      const { gmail } = await gmailFor(e2e.sim, mailbox.email);
      const answer = mailbox.send();
      const spend = () => gmail.users.messages.list({ userId: 'me' }).catch(() => undefined);
      while ((await mailbox.stats()).sends === 0)
        await Promise.all(Array.from({ length: 5 }, spend));

      const res = await answer;
      expect(res.status).toBe(201);
      expect(await mailbox.sent()).toBe(1);
      expect((await mailbox.stats()).sends).toBeGreaterThanOrEqual(2);
    });
  }

  it('when the daily sending limit is reached, then the CRM gets 429 daily_send_limit with Gmail’s time, and it is not retried', async () => {
    const mailbox = await connected();
    await e2e.simControl('faults', { method: 'PUT', body: { send_daily_limit: 1 } });
    const firstAt = Date.now();
    expect((await mailbox.send()).status).toBe(201);

    const before = await mailbox.stats();
    const res = await mailbox.send();
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { code: string; retry_at: string } };
    expect(body.error.code).toBe('daily_send_limit');
    // Gmail's limit is a rolling day: the first send frees its place 24 hours after it.
    const retryAt = Date.parse(body.error.retry_at);
    expect(retryAt - firstAt).toBeGreaterThanOrEqual(24 * 3_600_000 - 60_000);
    expect(retryAt - firstAt).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);
    // Refusals for rate on the way are retried; the daily limit's refusal is not.
    const after = await mailbox.stats();
    const sends = after.sends - before.sends;
    expect(sends - (after.refusedForRate - before.refusedForRate)).toBe(1);
    expect(await mailbox.sent()).toBe(1);
  });
});
