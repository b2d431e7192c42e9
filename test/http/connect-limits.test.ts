import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { crmToken } from '../support/crm-token.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const ORG = 'org-connect-limits';

describe('limits on asking for consent links', () => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const connect = async (sub: string) => {
    const res = await fetch(`${server.url}/integrations/gmail/connect`, {
      headers: {
        authorization: `Bearer ${await crmToken({ sub, org: ORG }, { expiresIn: '1h' })}`,
      },
    });
    const body = (await res.json()) as { error?: { code: string } };
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: body.error?.code,
    };
  };
  const liveStates = async (sub: string) =>
    (
      await database.pool.query(
        `select count(*)::int as n from oauth_states
          where org_id = $1 and user_id = $2 and used_at is null and expires_at > now()`,
        [ORG, sub],
      )
    ).rows[0].n as number;

  it('when one user asks for 200 links in a burst, then 10 are issued and the rest are 429 rate_limited with Retry-After', async () => {
    // Date stands still, so the bucket does not refill however long the burst takes here.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const answers = await Promise.all(Array.from({ length: 200 }, () => connect('u-script')));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(190);
    expect(refused.every((a) => a.code === 'rate_limited' && Number(a.retryAfter) > 0)).toBe(true);
    expect(await liveStates('u-script')).toBe(10);
    // Another user is not held back by this one.
    expect((await connect('u-colleague')).status).toBe(200);
  });

  it('when a user keeps asking within the rate for longer, then at most 10 of their links stay usable', async () => {
    const start = Date.now();
    for (let i = 0; i < 25; i++) {
      // Only Date moves: each request comes within the sustained rate of one every 6 s.
      vi.useFakeTimers({ toFake: ['Date'], now: start + i * 6_000 });
      expect((await connect('u-patient')).status).toBe(200);
    }
    expect(await liveStates('u-patient')).toBe(10);
  });
});
