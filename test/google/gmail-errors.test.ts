import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { google } from 'googleapis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { classifyGoogleError } from '../../src/google/gmail-errors.ts';
import { gmailFor } from '../support/sim-gmail.ts';
import { waitFor } from '../support/wait-for.ts';

/** A Gaxios error from the real client, `call` being a googleapis request that fails. */
const caught = (call: () => Promise<unknown>) =>
  call().then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );

describe("Gmail's three rate refusals, as the simulator sends them through the real client", () => {
  let sim: Simulator;
  const faults = (body: object) =>
    fetch(`${sim.baseUrl}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reset: true, ...body }),
    });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterEach(async () => {
    await faults({});
  });
  afterAll(async () => {
    await sim.close();
  });

  /** Two getProfile calls against a one-unit bucket: the second is refused. */
  async function refusal(email: string, quotaError: string) {
    const { gmail } = await gmailFor(sim, email);
    await faults({ quota_units_per_sec: 1, quota_error: quotaError });
    await gmail.users.getProfile({ userId: 'me' });
    return (await caught(() => gmail.users.getProfile({ userId: 'me' }))) as {
      response: { status: number; headers: Headers; data: { error: { message: string } } };
    };
  }

  it('when the form is 429, then it is throttling with the time in the message, no Retry-After header', async () => {
    const error = await refusal('form429@vendor.test', '429');
    expect(error.response.status).toBe(429);
    expect(error.response.headers.get('retry-after')).toBeNull();
    expect(error.response.data.error.message).toMatch(
      /^User-rate limit exceeded\. {2}Retry after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    const failure = classifyGoogleError(error);
    expect(failure).toMatchObject({ kind: 'retryable', status: 429, throttled: true });
    // A one-unit bucket refills within a second: Gmail names a time within it.
    expect(failure.kind === 'retryable' && failure.retryAfterMs).toBeLessThanOrEqual(1_000);
  });

  it('when the form is 403 usageLimits, then it is throttling, not a permission problem', async () => {
    const error = await refusal('form403@vendor.test', '403');
    expect(error.response.status).toBe(403);
    expect(error.response.data.error.message).toMatch(
      /^Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'gmail\.googleapis\.com' for consumer 'project_number:\d+'\.$/,
    );
    expect(classifyGoogleError(error)).toEqual({
      kind: 'retryable',
      status: 403,
      reason: 'rateLimitExceeded',
      throttled: true,
    });
  });

  it('when the form is "exhausted", then it is throttling without a time', async () => {
    const error = await refusal('exhausted@vendor.test', 'exhausted');
    expect(error.response.status).toBe(429);
    expect(error.response.data.error.message).toBe(
      'Resource has been exhausted (e.g. check quota).',
    );
    expect(classifyGoogleError(error)).toEqual({
      kind: 'retryable',
      status: 429,
      reason: 'rateLimitExceeded',
      throttled: true,
    });
  });

  it('when the form is "mixed", then the seeded refusals take all three forms', async () => {
    const { gmail } = await gmailFor(sim, 'mixed@vendor.test');
    await faults({ quota_units_per_sec: 1, quota_error: 'mixed', seed: 7 });
    await gmail.users.getProfile({ userId: 'me' });
    const forms = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const e = (await caught(() => gmail.users.getProfile({ userId: 'me' }))) as {
        response: { status: number; data: { error: { message: string } } };
      };
      expect(classifyGoogleError(e)).toMatchObject({ throttled: true });
      forms.add(`${e.response.status} ${e.response.data.error.message.split(' ')[0]}`);
    }
    expect([...forms].sort()).toEqual(['403 Quota', '429 Resource', '429 User-rate']);
  });

  it('when a quota mode is misspelt, then the control API refuses it rather than test the default', async () => {
    expect((await faults({ quota_window: 'hour' })).status).toBe(400);
    expect((await faults({ quota_error: '503' })).status).toBe(400);
  });

  it('when the window is a minute, then a spent minute is refused until the next whole minute', async () => {
    const { gmail } = await gmailFor(sim, 'minute@vendor.test');
    // Five units a minute: one messages.list (5 units) spends it. Not across a minute's turn.
    await waitFor(async () => new Date().getSeconds() < 58, {
      timeoutMs: 5_000,
      what: 'clear of the minute turn',
    });
    await faults({ quota_units_per_sec: 5 / 60, quota_window: 'minute' });
    await gmail.users.messages.list({ userId: 'me' });
    const error = await caught(() => gmail.users.messages.list({ userId: 'me' }));
    const failure = classifyGoogleError(error);
    expect(failure).toMatchObject({ kind: 'retryable', throttled: true });
    const retryAt = Date.now() + (failure.kind === 'retryable' ? (failure.retryAfterMs ?? 0) : 0);
    expect(Math.round(retryAt / 1000) % 60).toBe(0);
  });
});

describe('Google errors, on real errors from the googleapis client against a scripted server', () => {
  let server: Server;
  let url: string;
  let next: { status: number; body: unknown; headers?: Record<string, string> };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.close();
  });

  const googleError = (code: number, reason: string, message = 'x', domain = 'global') => ({
    error: { code, message, errors: [{ message, domain, reason }] },
  });
  const failure = async (status: number, body: unknown, headers?: Record<string, string>) => {
    next = { status, body, ...(headers ? { headers } : {}) };
    const gmail = google.gmail({ version: 'v1', rootUrl: url, retry: false });
    return classifyGoogleError(await caught(() => gmail.users.getProfile({ userId: 'me' })));
  };

  it('when Gmail answers 500, 503, 404, a permission 403 or a revoked grant, then each is classified as Google documents', async () => {
    expect(await failure(500, googleError(500, 'backendError'))).toMatchObject({
      kind: 'retryable',
      throttled: false,
    });
    expect(await failure(503, googleError(503, 'backendError'))).toMatchObject({
      kind: 'retryable',
      status: 503,
    });
    expect(await failure(404, googleError(404, 'notFound'))).toMatchObject({ kind: 'gone' });
    for (const reason of ['insufficientPermissions', 'forbidden'])
      expect(await failure(403, googleError(403, reason))).toMatchObject({ kind: 'fatal' });
    // An API not enabled is a usageLimits 403 too, and no wait will fix it.
    expect(
      await failure(
        403,
        googleError(403, 'accessNotConfigured', 'Gmail API has not been used', 'usageLimits'),
      ),
    ).toMatchObject({ kind: 'fatal', reason: 'accessNotConfigured' });
    expect(
      await failure(400, {
        error: 'invalid_grant',
        error_description: 'Token has been expired or revoked.',
      }),
    ).toMatchObject({ kind: 'revoked' });
    expect(
      classifyGoogleError(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
    ).toMatchObject({ kind: 'retryable', reason: 'ECONNREFUSED', throttled: false });
  });

  it('when a 403 names a rate reason, or a proxy sends Retry-After, then it is throttling with that time', async () => {
    for (const reason of ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded'])
      expect(await failure(403, googleError(403, reason))).toMatchObject({ throttled: true });
    const proxied = await failure(429, googleError(429, 'rateLimitExceeded'), {
      'retry-after': '3',
    });
    expect(proxied).toMatchObject({ kind: 'retryable', throttled: true, retryAfterMs: 3000 });
  });

  it("when a domain policy refuses, then only Gmail's own refusal puts the account out of reach, not another API's", async () => {
    const policy = (app: string) =>
      failure(
        403,
        googleError(403, 'domainPolicy', `The domain administrators have disabled ${app} apps.`),
      );
    expect(await policy('Gmail')).toEqual({ kind: 'account_unavailable', reason: 'domain_policy' });
    expect(await policy('Calendar')).toMatchObject({ kind: 'fatal', reason: 'domainPolicy' });
  });

  it('when the sending limit is reached ("(Mail sending)"), then it is the daily limit with Gmail\'s time, not throttling', async () => {
    const message =
      'User-rate limit exceeded.  Retry after 2026-11-28T09:15:00.000Z (Mail sending)';
    expect(
      await failure(429, googleError(429, 'rateLimitExceeded', message, 'usageLimits')),
    ).toEqual({
      kind: 'daily_send_limit',
      status: 429,
      reason: 'dailySendLimitExceeded',
      retryAt: new Date('2026-11-28T09:15:00.000Z'),
    });
  });
});
