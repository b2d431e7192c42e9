import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildDeps } from '../../src/build-deps.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createApp } from '../../src/http/app.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { listen } from '../support/http-server.ts';

const OWNER = 'push@vendor.test';

describe('the Pub/Sub push endpoint', () => {
  let e2e: E2E;
  let audience: string;

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
    audience = e2e.deps.config.google.pushAudience;
    expect((await e2e.connect({ sub: 'u-push', org: 'org-push' }, OWNER)).status).toBe(200);
  });
  afterAll(async () => {
    await e2e.close();
  });

  async function token(body: { aud: string; email?: string; exp_s?: number }): Promise<string> {
    const res = await e2e.simControl('oidc-token', { body });
    return ((await res.json()) as { token: string }).token;
  }

  function push(data: unknown, bearer?: string, raw?: string) {
    const body =
      raw ??
      JSON.stringify({
        message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId: '1' },
        subscription: 's',
      });
    return fetch(`${e2e.url}/pubsub/gmail`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body,
    });
  }

  const jobCount = async () =>
    (
      await e2e.database.pool.query(
        `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'sync_mailbox'`,
      )
    ).rows[0].n as number;

  it('when the token is missing, forged or expired, then 401; for another audience or account, then 403', async () => {
    const note = { emailAddress: OWNER, historyId: '999999999' };
    expect((await push(note)).status).toBe(401);
    const good = await token({ aud: audience });
    const forged = `${good.split('.').slice(0, 2).join('.')}.${Buffer.from('not a signature').toString('base64url')}`;
    expect((await push(note, forged)).status).toBe(401);
    // Google's verifier allows five minutes of clock skew; this one expired ten minutes ago.
    expect((await push(note, await token({ aud: audience, exp_s: -600 }))).status).toBe(401);
    expect((await push(note, await token({ aud: 'https://other.example/pubsub' }))).status).toBe(
      403,
    );
    expect(
      (
        await push(
          note,
          await token({ aud: audience, email: 'intruder@evil.iam.gserviceaccount.com' }),
        )
      ).status,
    ).toBe(403);
  });

  it('when a token already accepted has since expired, then it is verified afresh and refused', async () => {
    const shortLived = await token({ aud: audience, exp_s: 1 });
    const note = { emailAddress: OWNER, historyId: '1' };
    expect((await push(note, shortLived)).status).toBe(204);
    // Only Date moves: ten minutes on, past Google's five minutes of allowed clock skew.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60_000 });
    try {
      expect((await push(note, shortLived)).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when a valid push names a newer historyId, then a job is queued before the 204', async () => {
    // The watch's own pushes may already have queued one: start from none waiting.
    await e2e.database.pool.query(
      `select graphile_worker.remove_job('sync:' || id) from mailboxes where email = $1`,
      [OWNER],
    );
    const before = await jobCount();
    const res = await push(
      { emailAddress: OWNER.toUpperCase(), historyId: 999999999 },
      await token({ aud: audience }),
    );
    expect(res.status).toBe(204);
    expect(await jobCount()).toBe(before + 1);
    const { rows } = await e2e.database.pool.query(
      'select last_push_at from mailboxes where email = $1',
      [OWNER],
    );
    expect(rows[0].last_push_at).not.toBeNull();
  });

  it('when pushes repeat while a sync waits, or name an old historyId, then no further job is added', async () => {
    const before = await jobCount();
    const t = await token({ aud: audience });
    for (let i = 0; i < 5; i++)
      expect(
        (await push({ emailAddress: OWNER, historyId: String(1_000_000_000 + i) }, t)).status,
      ).toBe(204);
    expect((await push({ emailAddress: OWNER, historyId: '1' }, t)).status).toBe(204);
    expect(await jobCount()).toBe(before);
  });

  it('when the body is malformed or the address unknown, then 204 and a dead letter', async () => {
    const t = await token({ aud: audience });
    expect((await push(undefined, t, '{"message":{"data":"!!!not base64 json"}}')).status).toBe(
      204,
    );
    expect((await push(undefined, t, '{"nothing":"here"}')).status).toBe(204);
    expect((await push({ emailAddress: 'stranger@nowhere.test', historyId: '5' }, t)).status).toBe(
      204,
    );
    const { rows } = await e2e.database.pool.query(
      `select reason from dead_letters where source = 'pubsub' order by id`,
    );
    expect(rows.map((r) => r.reason)).toEqual([
      'malformed_data',
      'malformed_envelope',
      'unknown_mailbox',
    ]);
  });

  it('when the body is over 64 KiB, then 413', async () => {
    const big = JSON.stringify({ message: { data: 'A'.repeat(70_000) } });
    expect((await push(undefined, await token({ aud: audience }), big)).status).toBe(413);
  });

  it('when the database is down, then 503 so Pub/Sub redelivers', async () => {
    const down = openDatabase('postgres://postgres@127.0.0.1:1/none');
    const app = await listen(createApp(buildDeps(e2e.deps.config, down, e2e.deps.log)));
    try {
      const res = await fetch(`${app.url}/pubsub/gmail`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await token({ aud: audience })}`,
        },
        body: JSON.stringify({
          message: {
            data: Buffer.from(JSON.stringify({ emailAddress: OWNER, historyId: '7' })).toString(
              'base64',
            ),
          },
        }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    } finally {
      await app.close();
      await down.close();
    }
  });
});
