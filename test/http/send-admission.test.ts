import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { crmToken } from '../support/crm-token.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const ORG = 'org-admit';
const READ_ONLY = ['https://www.googleapis.com/auth/gmail.readonly'];

describe('who may upload a mail to /send', () => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
    await database.pool.query(
      `insert into mailboxes (org_id, user_id, email, status, scopes) values
         ($1, 'u-revoked', 'revoked@vendor.test', 'revoked', '{}'),
         ($1, 'u-readonly', 'readonly@vendor.test', 'active', $2),
         ($1, 'u-sender', 'sender@vendor.test', 'active', $3)`,
      [ORG, READ_ONLY, ['https://www.googleapis.com/auth/gmail.send']],
    );
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const send = async (
    sub: string,
    body: string | Uint8Array,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${server.url}/integrations/gmail/send`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await crmToken({ sub, org: ORG })}`,
        'content-type': 'application/json',
        'idempotency-key': 'k',
        ...headers,
      },
      body,
    });
    const json = (await res.json()) as { error: Record<string, unknown> };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), error: json.error };
  };
  /** Over the 40 MB limit: refused for what the caller is before its size is even looked at. */
  const huge = new Uint8Array(41 * 1024 * 1024).fill(0x20);

  it('when a caller with no mailbox uploads 41 MB, then the answer is 404 mailbox_not_connected', async () => {
    const answer = await send('u-nobody', huge);
    expect([answer.status, answer.error.code]).toEqual([404, 'mailbox_not_connected']);
  });

  it('when the mailbox is revoked, then 409 mailbox_revoked before the body is read', async () => {
    const answer = await send('u-revoked', huge);
    expect([answer.status, answer.error.code]).toEqual([409, 'mailbox_revoked']);
  });

  it('when the mailbox was granted without gmail.send, then 403 scope_missing with a reconnect_url', async () => {
    const answer = await send('u-readonly', '{}');
    expect([answer.status, answer.error.code]).toEqual([403, 'scope_missing']);
    expect(answer.error.reconnect_url).toMatch(/\/integrations\/gmail\/connect$/);
  });

  it('when a caller who may send declares a body over 40 MB, then 413 payload_too_large', async () => {
    const answer = await send('u-sender', huge);
    expect([answer.status, answer.error.code]).toEqual([413, 'payload_too_large']);
  });

  it('when one user sends faster than the limit, then 429 rate_limited with Retry-After', async () => {
    // Date stands still, so the bucket does not refill however slowly the requests go.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const answers = [];
    for (let i = 0; i < 31; i++) answers.push(await send('u-busy', '{}'));
    expect(answers.slice(0, 30).every((a) => a.status === 404)).toBe(true);
    const refused = answers[30];
    expect([refused?.status, refused?.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(refused?.retryAfter)).toBeGreaterThan(0);
    // Another user of the same org has a bucket of their own.
    expect((await send('u-other', '{}')).status).toBe(404);
  });
});
