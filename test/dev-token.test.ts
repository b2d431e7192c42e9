// Development tokens and the try-it block: what a newcomer is told to run, and where none is offered.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { makeCallerVerifier } from '../src/http/crm-auth.ts';
import { tryItBlock } from '../src/http/try-it.ts';
import { makeOutboundHttp } from '../src/outbound/outbound-http.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u@127.0.0.1:1/db',
  PUBLIC_URL: 'https://gmail-sync.example.test',
  GOOGLE_CLIENT_ID: 'client',
  GOOGLE_CLIENT_SECRET: 'secret',
  GMAIL_PUBSUB_TOPIC: 'projects/p/topics/t',
  PUBSUB_PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
  CRM_JWT_SECRET: randomBytes(32).toString('base64'),
  CRM_APP_URL: 'https://crm.example.test/settings/gmail',
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

const cli = (args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, ['src/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      out: e.stdout,
      err: e.stderr,
    }),
  );

describe('development tokens', () => {
  it('when dev-token --admin is run, then the service accepts what it prints as that org’s admin', async () => {
    const { code, out } = await cli(['dev-token', '--admin', '--org', 'acme', '--user', 'rita']);
    expect(code).toBe(0);
    const caller = await makeCallerVerifier(
      loadConfig({}).crm,
      makeOutboundHttp({ allowPrivate: true }),
    )(out.trim());
    expect(caller).toMatchObject({ userId: 'rita', orgId: 'acme', admin: true });
  });

  it('when dev-token is run in production, then it refuses with one line', async () => {
    const { code, out, err } = await cli(['dev-token', '--admin'], PRODUCTION);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim()).toBe('gmail-sync: dev-token is for development: NODE_ENV=production');
  });
});

describe('the try-it block', () => {
  it('when the service runs with the simulator, then it names the command, the sign-in and the docs', () => {
    const block = tryItBlock(loadConfig({ PORT: '9090' })) ?? '';
    expect(block).toContain('npx gmail-sync try-mailbox --url http://localhost:9090');
    expect(block).toContain('http://localhost:9090/dev/sign-in');
    expect(block).toContain('http://localhost:9090/docs');
    expect(block).toContain('npx gmail-sync dev-token --admin');
  });

  it('when the service runs in production or with real Google credentials, then there is none', () => {
    expect(tryItBlock(loadConfig(PRODUCTION))).toBeUndefined();
    const { NODE_ENV: _, ...developmentWithGoogle } = PRODUCTION;
    expect(tryItBlock(loadConfig(developmentWithGoogle))).toBeUndefined();
  });
});
