// What production meets beyond Gmail's rate refusals, classified on the real errors Google's client
// libraries raise against the simulator: calls in flight refused, penalties hours long, accounts
// out of reach or deleted, a send whose answer was lost. The service's own clients are used
// (src/google/clients.ts), so a refresh on a 401 happens as it does in production.
import { createServer } from 'node:net';
import { gmail as gmailApi } from '@googleapis/gmail';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { type GoogleConfig, makeGmail, makeOAuthClient } from '../../src/google/clients.ts';
import {
  classifyGoogleError,
  isGoogleFailure,
  MailboxThrottled,
  sendMayHaveGone,
} from '../../src/google/gmail-errors.ts';
import { withRetries } from '../../src/google/retry-policy.ts';
import { consent, control, faults } from '../support/sim-gmail.ts';

const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );

describe('Gmail in production, classified on real googleapis errors from the simulator', () => {
  let sim: Simulator;
  let google: GoogleConfig;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    google = {
      useSimulator: true,
      emulatorHost: sim.hostPort,
      clientId: 'sim-client-id',
      clientSecret: 'sim-client-secret',
      delegationServiceAccount: undefined,
      redirectUri: 'http://127.0.0.1:1/callback',
      pubsubTopic: 'projects/sim/topics/gmail',
      pushAudience: 'x',
      pushServiceAccount: 'x',
      pubsubSubscription: undefined,
      quotaProfile: '2026',
      syncCalendar: false,
    };
  });
  afterEach(async () => {
    await faults(sim, { reset: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  /** The service's Gmail client for `email`, consented and holding its tokens. */
  const serviceGmail = async (email: string) => {
    const auth = makeOAuthClient(google);
    const { code, verifier } = await consent(auth, email);
    const { tokens } = await auth.getToken({ code, codeVerifier: verifier });
    auth.setCredentials(tokens);
    return makeGmail(google, auth);
  };
  const state = (email: string, value: string) =>
    control(sim, 'PUT', `mailboxes/${email}/state`, { state: value });

  it('when too many calls of a user are in flight, then the refusal is throttling about concurrency, not units', async () => {
    const gmail = await serviceGmail('crowd@vendor.test');
    await faults(sim, { quota_units_per_sec: 1e6, latency_ms: 200, concurrency_per_user: 1 });
    const errors = await Promise.all(
      [1, 2].map(() => gmail.users.getProfile({ userId: 'me' }).catch((e: unknown) => e)),
    );
    const refused = errors.find((e) => e instanceof Error);
    expect(classifyGoogleError(refused)).toEqual({
      kind: 'retryable',
      status: 429,
      reason: 'rateLimitExceeded',
      throttled: true,
      concurrency: true,
    });
  });

  it('when Gmail names a retry time hours away, then the retry policy ends the call at once as MailboxThrottled until then', async () => {
    const gmail = await serviceGmail('penalty@vendor.test');
    await faults(sim, { quota_units_per_sec: 1, quota_retry_after_s: 3 * 3600 });
    await gmail.users.getProfile({ userId: 'me' });
    const started = Date.now();
    const error = await caught(withRetries(() => gmail.users.getProfile({ userId: 'me' })));
    expect(error).toBeInstanceOf(MailboxThrottled);
    const until = (error as MailboxThrottled).until.getTime();
    expect(until - started).toBeGreaterThan(3 * 3600_000 - 60_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(classifyGoogleError(error)).toMatchObject({ kind: 'retryable', throttled: true });
    expect(isGoogleFailure(error)).toBe(true);
  });

  it('when Gmail is disabled for the account or its domain forbids Gmail apps, then the account is unavailable, not gone', async () => {
    const gmail = await serviceGmail('nomail@corp.test');
    await state('nomail@corp.test', 'mail_disabled');
    expect(classifyGoogleError(await caught(gmail.users.getProfile({ userId: 'me' })))).toEqual({
      kind: 'account_unavailable',
      reason: 'mail_disabled',
    });
    await state('nomail@corp.test', 'domain_policy');
    expect(classifyGoogleError(await caught(gmail.users.getProfile({ userId: 'me' })))).toEqual({
      kind: 'account_unavailable',
      reason: 'domain_policy',
    });
  });

  it('when the account is suspended, then the refresh the client makes on the 401 says so: unavailable; deleted: revoked', async () => {
    const suspended = await serviceGmail('suspended@corp.test');
    await state('suspended@corp.test', 'suspended');
    expect(classifyGoogleError(await caught(suspended.users.getProfile({ userId: 'me' })))).toEqual(
      { kind: 'account_unavailable', reason: 'suspended' },
    );
    const deleted = await serviceGmail('deleted@corp.test');
    await state('deleted@corp.test', 'deleted');
    expect(classifyGoogleError(await caught(deleted.users.getProfile({ userId: 'me' })))).toEqual({
      kind: 'revoked',
      reason: 'invalid_grant: Account has been deleted',
    });
  });

  it('when a send loses its answer after Gmail stored the mail, then it may have gone; a refusal, a refused connection or a rate limit may not', async () => {
    const gmail = await serviceGmail('sender@vendor.test');
    const raw = Buffer.from('From: sender@vendor.test\r\nTo: b@client.test\r\n\r\nhi');
    const send = (g = gmail) =>
      caught(
        g.users.messages.send({ userId: 'me', requestBody: { raw: raw.toString('base64url') } }),
      );
    await faults(sim, { quota_units_per_sec: 1e6, send_drop_after_store: 1 });
    const dropped = await send();
    expect(sendMayHaveGone(dropped)).toBe(true);
    expect(isGoogleFailure(dropped)).toBe(true);

    await faults(sim, { reset: true, quota_units_per_sec: 1 });
    await gmail.users.getProfile({ userId: 'me' });
    expect(sendMayHaveGone(await send())).toBe(false);
    await faults(sim, { reset: true, quota_units_per_sec: 1e6 });
    const empty = await caught(
      gmail.users.messages.send({
        userId: 'me',
        requestBody: { raw: Buffer.from('x').toString('base64url') },
      }),
    );
    expect(sendMayHaveGone(empty)).toBe(false);

    // A port nothing listens on: the connection is refused, nothing was sent.
    const closed = await freePort();
    const nowhere = gmailApi({
      version: 'v1',
      rootUrl: `http://127.0.0.1:${closed}/`,
      retry: false,
      fetchImplementation: fetch,
    });
    const refused = await send(nowhere);
    expect(classifyGoogleError(refused)).toMatchObject({ reason: 'ECONNREFUSED' });
    expect(sendMayHaveGone(refused)).toBe(false);
  });
});

/** A port that was free a moment ago (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
