import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { google } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyGoogleError } from '../../src/google/gmail-errors.ts';
import { makePacerRegistry } from '../../src/google/mailbox-pacer.ts';
import { perUserUnitsPerSecond, quotaCost } from '../../src/google/quota-costs.ts';
import { withRetries } from '../../src/google/retry-policy.ts';
import { makeTokenBucket } from '../../src/google/token-bucket.ts';

/** A clock the test moves; sleeping advances it. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('the token bucket', () => {
  it('when takers keep coming for a simulated minute, then the rate is held within 1%', async () => {
    const clock = fakeClock();
    const bucket = makeTokenBucket({
      ratePerSec: 100,
      capacity: 100,
      now: clock.now,
      sleep: clock.sleep,
    });
    let units = 0;
    while (clock.now() < 60_000) {
      await bucket.take(20);
      units += 20;
    }
    expect(units / 60).toBeGreaterThan(99);
    expect(units / 60).toBeLessThan(101);
  });

  it('when a large take waits, then later small ones do not overtake it (FIFO)', async () => {
    const clock = fakeClock();
    const bucket = makeTokenBucket({
      ratePerSec: 10,
      capacity: 10,
      now: clock.now,
      sleep: clock.sleep,
    });
    const order: string[] = [];
    await Promise.all([
      bucket.take(10).then(() => order.push('big')),
      bucket.take(1).then(() => order.push('small-1')),
      bucket.take(1).then(() => order.push('small-2')),
    ]);
    expect(order).toEqual(['big', 'small-1', 'small-2']);
  });

  it('when penalised after a 429, then nobody takes for that long; an abort frees the waiter', async () => {
    const clock = fakeClock();
    const bucket = makeTokenBucket({
      ratePerSec: 100,
      capacity: 100,
      initial: 100,
      now: clock.now,
      sleep: clock.sleep,
    });
    bucket.penalise(1_000);
    await bucket.take(1);
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
    const controller = new AbortController();
    const slow = makeTokenBucket({
      ratePerSec: 0.001,
      capacity: 1,
      sleep: () => new Promise<void>(() => {}),
    });
    const pending = slow.take(1, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('quota costs and pacing', () => {
  it('when the profile is 2026, then messages.get costs 20 of 100 units a second; in 2025, 5 of 250', () => {
    expect([quotaCost('2026', 'messages.get'), perUserUnitsPerSecond('2026')]).toEqual([20, 100]);
    expect([quotaCost('2025', 'messages.get'), perUserUnitsPerSecond('2025')]).toEqual([5, 250]);
    expect(quotaCost('2026', 'history.list')).toBe(2);
  });

  it('when one mailbox is saturated, then another mailbox is not slowed by it', async () => {
    const pacers = makePacerRegistry({ profile: '2026', unitsPerSecond: 40, maxConcurrency: 2 });
    const busy = pacers.forMailbox('busy');
    const work = Array.from({ length: 6 }, () => busy.run('messages.get', async () => 1));
    const t0 = performance.now();
    await pacers.forMailbox('quiet').run('history.list', async () => 1);
    expect(performance.now() - t0).toBeLessThan(200);
    await Promise.all(work);
    expect(pacers.size()).toBe(2);
  });
});

describe('Google errors and retries, on real errors from the googleapis client', () => {
  let server: Server;
  let url: string;
  let script: { status: number; body: unknown; headers?: Record<string, string> }[] = [];
  let calls = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      calls += 1;
      const next = script.shift() ?? { status: 200, body: { emailAddress: 'a@b', historyId: '1' } };
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.close();
  });

  const gmail = () => google.gmail({ version: 'v1', rootUrl: url, retry: false });
  const googleError = (code: number, reason: string, message = 'x') => ({
    error: { code, message, errors: [{ message, domain: 'global', reason }] },
  });
  const failure = async (status: number, body: unknown, headers?: Record<string, string>) => {
    script = [{ status, body, ...(headers ? { headers } : {}) }];
    return classifyGoogleError(
      await gmail()
        .users.getProfile({ userId: 'me' })
        .catch((e: unknown) => e),
    );
  };

  it('when Gmail answers 429, 500, 503, 404, 403 or a daily limit, then each is classified as Google documents', async () => {
    expect(
      await failure(429, googleError(429, 'rateLimitExceeded'), { 'retry-after': '3' }),
    ).toMatchObject({
      kind: 'retryable',
      status: 429,
      reason: 'rateLimitExceeded',
      retryAfterMs: 3000,
    });
    expect(await failure(500, googleError(500, 'backendError'))).toMatchObject({
      kind: 'retryable',
      status: 500,
    });
    expect(await failure(503, googleError(503, 'backendError'))).toMatchObject({
      kind: 'retryable',
      status: 503,
    });
    expect(await failure(404, googleError(404, 'notFound'))).toMatchObject({ kind: 'gone' });
    expect(await failure(403, googleError(403, 'insufficientPermissions'))).toMatchObject({
      kind: 'fatal',
      status: 403,
    });
    expect(
      await failure(429, googleError(429, 'userRateLimitExceeded', 'Daily sending limit exceeded')),
    ).toMatchObject({
      kind: 'fatal',
      reason: 'dailyLimitExceeded',
    });
    expect(
      await failure(400, {
        error: 'invalid_grant',
        error_description: 'Token has been expired or revoked.',
      }),
    ).toMatchObject({
      kind: 'revoked',
    });
    expect(
      classifyGoogleError(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
    ).toMatchObject({
      kind: 'retryable',
      reason: 'ECONNREFUSED',
    });
  });

  it('when failures are retryable, then the call is retried until it succeeds; fatal ones are not retried', async () => {
    script = [
      { status: 503, body: googleError(503, 'backendError') },
      { status: 429, body: googleError(429, 'rateLimitExceeded'), headers: { 'retry-after': '0' } },
    ];
    calls = 0;
    const { data } = await withRetries(() => gmail().users.getProfile({ userId: 'me' }), {
      minMs: 1,
      maxMs: 5,
    });
    expect(data.emailAddress).toBe('a@b');
    expect(calls).toBe(3);

    script = [{ status: 403, body: googleError(403, 'forbidden') }];
    calls = 0;
    await expect(
      withRetries(() => gmail().users.getProfile({ userId: 'me' }), { minMs: 1 }),
    ).rejects.toBeTruthy();
    expect(calls).toBe(1);
  });

  it('when a non-idempotent call meets a 5xx, then it is not retried (Gmail may have acted); a 429 is', async () => {
    script = [{ status: 500, body: googleError(500, 'backendError') }];
    calls = 0;
    await expect(
      withRetries(() => gmail().users.getProfile({ userId: 'me' }), {
        minMs: 1,
        idempotent: false,
      }),
    ).rejects.toBeTruthy();
    expect(calls).toBe(1);
    script = [{ status: 429, body: googleError(429, 'rateLimitExceeded') }];
    calls = 0;
    await withRetries(() => gmail().users.getProfile({ userId: 'me' }), {
      minMs: 1,
      idempotent: false,
    });
    expect(calls).toBe(2);
  });
});
