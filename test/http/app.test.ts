import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/app-error.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createApp } from '../../src/http/app.ts';
import { handleErrors } from '../../src/http/error-handler.ts';
import { requestContext } from '../../src/http/request-context.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

describe('the HTTP app', () => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('when asked for liveness, then it answers 200', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('when the database is up and migrated, then it is ready', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: { database: true, migrations: true },
    });
  });

  it('when the database is unreachable, then readiness fails with 503', async () => {
    const down = openDatabase('postgres://postgres@127.0.0.1:1/none');
    const app = await listen(createApp(makeTestDeps(down)));
    try {
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not_ready', checks: { database: false } });
    } finally {
      await app.close();
      await down.close();
    }
  });

  it('when a route does not exist, then the answer is a JSON 404 in the error format', async () => {
    const res = await fetch(`${server.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /nowhere' },
    });
  });

  it('when a handler fails unexpectedly or expectedly, then clients see the error format and no stack', async () => {
    const deps = makeTestDeps(database);
    const app = express();
    app.use(requestContext(deps.log));
    app.use(express.json({ limit: '1kb' }));
    app.get('/bug', () => {
      throw new Error('secret internals at /src/file.ts:10');
    });
    app.get('/expected', () => {
      throw new AppError('mailbox_revoked', 'the Gmail grant was revoked', { status: 409 });
    });
    app.post('/body', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(handleErrors);
    const running = await listen(app);
    try {
      const bug = await fetch(`${running.url}/bug`);
      expect(bug.status).toBe(500);
      expect(await bug.text()).toBe('{"error":{"code":"internal","message":"internal error"}}');
      expect(deps.logs.text()).toContain('secret internals');

      const expected = await fetch(`${running.url}/expected`);
      expect(expected.status).toBe(409);
      expect(await expected.json()).toEqual({
        error: { code: 'mailbox_revoked', message: 'the Gmail grant was revoked' },
      });

      const bad = await fetch(`${running.url}/body`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_json');

      const big = await fetch(`${running.url}/body`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ x: 'y'.repeat(5000) }),
      });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: { code: string } }).error.code).toBe(
        'payload_too_large',
      );
    } finally {
      await running.close();
    }
  });
});
