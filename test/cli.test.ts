import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

describe('the operator CLI', () => {
  let database: TestDatabase;
  const cli = (args: string[]) =>
    run(process.execPath, ['src/cli.ts', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      },
    }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        out: e.stdout,
        err: e.stderr,
      }),
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.pool.query(
      `insert into mailboxes (org_id, user_id, email, status, last_error, watch_expires_at)
       values ('org-1', 'u1', 'ana@acme.test', 'error', 'watch renewal failed: backendError', now() + interval '2 days')`,
    );
  });
  afterAll(async () => {
    await database.drop();
  });

  it('when asked for help, then every command is listed', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    for (const name of ['setup-pubsub', 'poll', 'resync', 'rotate-keys', 'mailboxes'])
      expect(out).toContain(name);
    expect((await cli(['resync', '--help'])).out).toContain(
      'usage: gmail-sync resync <email> [--full]',
    );
  });

  it('when mailboxes are listed, then each shows its status, lag, watch expiry and last error', async () => {
    const { code, out } = await cli(['mailboxes']);
    expect(code).toBe(0);
    expect(out).toMatch(
      /ana@acme\.test\s+org-1\s+error\s+\d+s\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+watch renewal failed: backendError/,
    );
    expect(out).toContain('1 mailboxes');
  });

  it('when a resync names an unknown address or a command is unknown, then it fails with a clear line', async () => {
    const unknown = await cli(['resync', 'nobody@acme.test']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err.trim()).toBe('gmail-sync: no connected mailbox nobody@acme.test');
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('when a resync is asked for, then a full sync job is queued for that mailbox', async () => {
    const { code, out } = await cli(['resync', 'ANA@acme.test', '--full']);
    expect(code).toBe(0);
    expect(out).toMatch(/queued full sync of ANA@acme\.test \(job \d+\)/);
    const { rows } = await database.pool.query(
      `select key from graphile_worker.jobs where task_identifier = 'sync_mailbox'`,
    );
    expect(rows[0]?.key).toMatch(/^full-sync:/);
  });

  it('when keys are rotated with nothing sealed, then it says so', async () => {
    const { code, out } = await cli(['rotate-keys']);
    expect(code).toBe(0);
    expect(out).toContain('rewrapped 0 data keys; 0 were already current');
  });
});
