// Gmail's per-user limits beyond units: calls in flight at once (`concurrency_per_user`), and
// refusals that are penalties hours long (`quota_retry_after_s`).
import type { OAuth2Client } from 'google-auth-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { deliver, faults, gmailFor } from '../support/sim-gmail.ts';

interface GmailFailure {
  status?: number;
  response?: { data?: { error?: { message?: string; errors?: { reason?: string }[] } } };
}
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => ({ status: 200, message: '', reason: '' }),
    (e: GmailFailure) => ({
      status: e.status,
      message: e.response?.data?.error?.message ?? '',
      reason: e.response?.data?.error?.errors?.[0]?.reason ?? '',
    }),
  );

describe("the simulated Gmail's per-user limits", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterEach(async () => {
    await faults(sim, { reset: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when more calls of one user are in flight than concurrency_per_user, then the rest answer 429 "Too many concurrent requests for user"', async () => {
    const { gmail } = await gmailFor(sim, 'busy@sim.test');
    await faults(sim, { quota_units_per_sec: 1_000_000, latency_ms: 300, concurrency_per_user: 3 });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => outcome(gmail.users.getProfile({ userId: 'me' }))),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused).toHaveLength(3);
    for (const r of refused)
      expect(r).toEqual({
        status: 429,
        message: 'Too many concurrent requests for user',
        reason: 'rateLimitExceeded',
      });
    // Another user's calls are their own: not refused for this one's.
    const { gmail: other } = await gmailFor(sim, 'calm@sim.test');
    expect((await outcome(other.users.getProfile({ userId: 'me' }))).status).toBe(200);
    // Once the calls in flight are answered, the next ones pass.
    expect((await outcome(gmail.users.getProfile({ userId: 'me' }))).status).toBe(200);
  });

  it('when a batch carries more parts than the user may have in flight, then the parts past the limit are refused one by one', async () => {
    const { auth } = await gmailFor(sim, 'batch@sim.test');
    await faults(sim, { quota_units_per_sec: 1_000_000, latency_ms: 100, concurrency_per_user: 4 });
    const ids = await Promise.all(
      Array.from(
        { length: 10 },
        async (_, i) => (await deliver(sim, 'batch@sim.test', `Subject: m${i}\r\n\r\nx`)).id,
      ),
    );
    const text = await batchGet(sim, auth, ids);
    expect(text.match(/HTTP\/1\.1 200/g)).toHaveLength(4);
    expect(text.match(/HTTP\/1\.1 429/g)).toHaveLength(6);
    expect(text).toContain('Too many concurrent requests for user');
    const stats = (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as {
      users: Record<string, { refused: Record<string, number> }>;
    };
    expect(stats.users['batch@sim.test']?.refused['messages.get']).toBe(6);
  });

  it('when quota_retry_after_s is set, then a refusal names a time that far ahead and every call until then is refused', async () => {
    const { gmail } = await gmailFor(sim, 'penalised@sim.test');
    await faults(sim, { quota_units_per_sec: 1, quota_retry_after_s: 7_200 });
    await gmail.users.getProfile({ userId: 'me' });
    const refused = await outcome(gmail.users.getProfile({ userId: 'me' }));
    expect(refused.status).toBe(429);
    const retryAt = Date.parse(/Retry after (\S+)$/.exec(refused.message)?.[1] ?? '');
    expect(retryAt - Date.now()).toBeGreaterThan(7_100_000);
    // A second later the bucket is full again, yet the penalty holds, naming the same time.
    await faults(sim, { quota_units_per_sec: 1_000_000 });
    const still = await outcome(gmail.users.getProfile({ userId: 'me' }));
    expect(still.status).toBe(429);
    expect(still.message).toContain(new Date(retryAt).toISOString());
    // Lifting the fault lifts the penalty.
    await faults(sim, { quota_retry_after_s: 0 });
    expect((await outcome(gmail.users.getProfile({ userId: 'me' }))).status).toBe(200);
  });

  it('when a limit is set to something other than a number, then the faults are refused', async () => {
    const res = await fetch(`${sim.baseUrl}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ concurrency_per_user: 'ten' }),
    });
    expect(res.status).toBe(400);
  });
});

/** messages.get of `ids` in one batch request, answered as Gmail's multipart text. */
async function batchGet(sim: Simulator, auth: OAuth2Client, ids: string[]): Promise<string> {
  const { token } = await auth.getAccessToken();
  const body = ids
    .map(
      (id, i) =>
        `--b\r\nContent-Type: application/http\r\nContent-ID: <${i}>\r\n\r\nGET /gmail/v1/users/me/messages/${id}?format=minimal\r\n\r\n`,
    )
    .join('')
    .concat('--b--\r\n');
  const res = await fetch(`${sim.baseUrl}/batch/gmail/v1`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/mixed; boundary=b' },
    body,
  });
  return res.text();
}
