import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../src/config.ts';

const key = randomBytes(32).toString('base64');
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u@db/gs',
  PUBLIC_URL: 'https://sync.example.com',
  GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'secret',
  GMAIL_PUBSUB_TOPIC: 'projects/p/topics/gmail',
  PUBSUB_PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
  CRM_JWT_SECRET: 'q7Fz2LmW9xTp4Rk8VbN1cHs6JdYg3EaU',
  TOKEN_ENCRYPTION_KEY: key,
  CRM_APP_URL: 'https://crm.example.com/settings/gmail',
};
/** Real Google credentials without NODE_ENV=production: not development either. */
const realGoogle = {
  GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'secret',
  GMAIL_PUBSUB_TOPIC: 'projects/p/topics/gmail',
  PUBSUB_PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
  CRM_JWT_SECRET: 'q7Fz2LmW9xTp4Rk8VbN1cHs6JdYg3EaU',
  CRM_APP_URL: 'https://crm.example.com/settings/gmail',
};

/** Asserts start-up stops with one line matching `message`. */
function expectRefused(env: Record<string, string>, message: RegExp): void {
  let error: unknown;
  try {
    loadConfig(env);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain('\n');
}

describe('loadConfig', () => {
  it('when nothing is set, then development defaults point at the simulator', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.google.useSimulator).toBe(true);
    expect(config.google.redirectUri).toBe('http://localhost:8080/integrations/gmail/callback');
    expect(config.google.pushAudience).toBe('http://localhost:8080/pubsub/gmail');
    expect(config.crm.usesDevSecret).toBe(true);
    expect(config.sync).toEqual({
      backfillDays: 7,
      retroDays: 365,
      pollInterval: '*/15 * * * *',
      searchFirst: { delayMs: 3_000, settleMs: 600_000, fullCrmQueries: 1 },
      audit: { sampleRate: 0.05 },
    });
    expect(config.google.quotaProfile).toBe('2026');
  });

  it.each([
    ['PORT', 'eighty', /invalid PORT/],
    ['HEALTH_PORT', '70000', /invalid HEALTH_PORT/],
    ['PUBLIC_URL', 'not a url', /invalid PUBLIC_URL/],
    ['GMAIL_PUBSUB_TOPIC', 'gmail', /invalid GMAIL_PUBSUB_TOPIC: must be projects\/P\/topics\/T/],
    ['TOKEN_ENCRYPTION_KEY', 'c2hvcnQ=', /invalid TOKEN_ENCRYPTION_KEY: must be 32 bytes/],
    ['GMAIL_QUOTA_PROFILE', '2024', /invalid GMAIL_QUOTA_PROFILE/],
    ['POLL_INTERVAL', 'every minute', /invalid POLL_INTERVAL/],
    ['SYNC_BACKFILL_DAYS', '-1', /invalid SYNC_BACKFILL_DAYS/],
    ['AUDIT_SAMPLE_RATE', '5%', /invalid AUDIT_SAMPLE_RATE/],
    ['AUDIT_SAMPLE_RATE', '1.5', /invalid AUDIT_SAMPLE_RATE/],
    ['DATABASE_URL', 'mysql://x', /invalid DATABASE_URL/],
    ['DATABASE_POOL_SIZE', '1', /invalid DATABASE_POOL_SIZE/],
  ])(
    'when %s is malformed, then start-up stops with one line naming it',
    (name, value, message) => {
      const attempt = () => loadConfig({ [name]: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(message);
      try {
        attempt();
      } catch (error) {
        expect(String((error as Error).message)).not.toContain('\n');
      }
    },
  );

  it('when production has every value, then it loads without dev defaults', () => {
    const config = loadConfig(production);
    expect(config.production).toBe(true);
    expect(config.google.useSimulator).toBe(false);
    expect(config.vault.localKey?.length).toBe(32);
    expect(config.crm.usesDevSecret).toBe(false);
  });

  it.each([
    ['CRM_JWT_SECRET', /CRM_JWT_SECRET or CRM_JWKS_URL is required/],
    ['GOOGLE_CLIENT_ID', /simulator is for development/],
    ['TOKEN_ENCRYPTION_KEY', /KMS_KEY_NAME or TOKEN_ENCRYPTION_KEY/],
    ['DATABASE_URL', /embedded PostgreSQL is for development/],
    ['CRM_APP_URL', /invalid CRM_APP_URL: required/],
  ])('when production lacks %s, then the dev default is refused', (name, message) => {
    const env: Record<string, string> = { ...production };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('when production points at the simulator, then it is refused', () => {
    expect(() => loadConfig({ ...production, GOOGLE_EMULATOR_HOST: 'localhost:8085' })).toThrow(
      /GOOGLE_EMULATOR_HOST/,
    );
  });

  it('when a webhook URL has no secret, then start-up stops', () => {
    expect(() => loadConfig({ CRM_WEBHOOK_URL: 'https://crm.example.com/hooks' })).toThrow(
      /CRM_WEBHOOK_SECRET/,
    );
  });

  it('when real Google credentials are set without NODE_ENV and without CRM_APP_URL, then start-up stops as in production (issue 27 #5)', () => {
    const { CRM_APP_URL: _, ...env } = realGoogle;
    expectRefused(env, /^invalid CRM_APP_URL: required with real Google credentials/);
    expect(loadConfig(realGoogle).crm.appUrl).toBe(realGoogle.CRM_APP_URL);
    // Development (the simulator) keeps the GET callback that completes by itself.
    expect(loadConfig({}).crm.appUrl).toBeUndefined();
  });

  it('when a random secret from `openssl rand` is given, then it is accepted, hex or base64', () => {
    for (const value of [randomBytes(32).toString('base64'), randomBytes(16).toString('hex')]) {
      expect(loadConfig({ ...realGoogle, CRM_JWT_SECRET: value }).crm.jwtSecret).toBe(value);
    }
  });

  it('when real Google credentials are set without a CRM secret, then the development secret is refused', () => {
    const { CRM_JWT_SECRET: _, ...env } = realGoogle;
    expectRefused(env, /^invalid CRM_JWT_SECRET: CRM_JWT_SECRET or CRM_JWKS_URL is required/);
    expect(loadConfig(realGoogle).crm.usesDevSecret).toBe(false);
    expect(loadConfig({}).crm.usesDevSecret).toBe(true);
  });

  it.each([
    ['the published development secret', DEV_JWT_SECRET, /published development secret/],
    ['a short secret', 'Xk9#vB2qLm7!', /too short/],
    ['a repeated character', 'a'.repeat(40), /too predictable/],
    ['a repeated pattern', 'secret12'.repeat(5), /too predictable/],
    // Issue 27 #10: 16 distinct characters and 128 bits by character frequency, yet two runs.
    ['a hex run written twice', '0123456789abcdef0123456789abcdef', /too predictable/],
    ['a keyboard row and the digits', 'qwertyuiopasdfghjklzxcvbnm1234567890', /too predictable/],
  ])(
    'when CRM_JWT_SECRET is %s, then start-up refuses it, in development too',
    (_what, value, message) => {
      expectRefused({ ...production, CRM_JWT_SECRET: value }, message);
      expectRefused({ CRM_JWT_SECRET: value }, message);
      expectRefused(
        { CRM_WEBHOOK_URL: 'http://localhost:9/h', CRM_WEBHOOK_SECRET: value },
        /^invalid CRM_WEBHOOK_SECRET/,
      );
    },
  );

  it.each([
    ['all-zero', Buffer.alloc(32, 0)],
    ['one repeated byte', Buffer.alloc(32, 7)],
    ['a repeated pattern', Buffer.from('0123'.repeat(8))],
  ])(
    'when TOKEN_ENCRYPTION_KEY is %s, then start-up refuses it outside development',
    (_what, weak) => {
      const value = weak.toString('base64');
      expectRefused(
        { ...production, TOKEN_ENCRYPTION_KEY: value },
        /^invalid TOKEN_ENCRYPTION_KEY: is not random/,
      );
      expectRefused(
        { ...realGoogle, TOKEN_ENCRYPTION_KEY: value },
        /^invalid TOKEN_ENCRYPTION_KEY/,
      );
      expectRefused(
        { ...production, TOKEN_ENCRYPTION_KEY: Buffer.alloc(31, 3).toString('base64') },
        /must be 32 bytes/,
      );
    },
  );

  it.each([
    ['plain http', 'http://crm.example.com/hooks'],
    ['loopback', 'https://127.0.0.1/hooks'],
    ['localhost', 'https://localhost:8443/hooks'],
    ['cloud metadata (link-local)', 'https://169.254.169.254/computeMetadata/v1/'],
    ['a private network', 'https://10.1.2.3/hooks'],
    ['IPv6 loopback', 'https://[::1]/hooks'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks'],
    // Issue 27 #9: what passed the first check.
    ['the metadata server by name', 'https://metadata.google.internal/computeMetadata/v1/'],
    ['IPv4-compatible loopback', 'https://[::7f00:1]/hooks'],
    ['NAT64 of the metadata server', 'https://[64:ff9b::a9fe:a9fe]/latest/meta-data'],
    ['6to4 of a private network', 'https://[2002:0a00:0001::]/hooks'],
    ['a single-label name', 'https://metadata/computeMetadata/v1/'],
  ])(
    'when the webhook or JWKS URL is %s, then start-up refuses it outside development',
    (_what, url) => {
      const secret = 'w3Hk8Qz1Lp6Vx9Tn2Bc5Rm7Jd4Fs0GyA';
      expectRefused(
        { ...production, CRM_WEBHOOK_URL: url, CRM_WEBHOOK_SECRET: secret },
        /^invalid CRM_WEBHOOK_URL: must/,
      );
      expectRefused({ ...realGoogle, CRM_JWKS_URL: url }, /^invalid CRM_JWKS_URL: must/);
      // The simulator outside production is development: a local receiver is fine there.
      expect(loadConfig({ CRM_WEBHOOK_URL: url, CRM_WEBHOOK_SECRET: secret }).crm.webhookUrl).toBe(
        url,
      );
    },
  );

  it('when the webhook and JWKS URLs are public https, then production accepts them', () => {
    const config = loadConfig({
      ...production,
      CRM_WEBHOOK_URL: 'https://crm.example.com/hooks/gmail',
      CRM_WEBHOOK_SECRET: 'w3Hk8Qz1Lp6Vx9Tn2Bc5Rm7Jd4Fs0GyA',
      CRM_JWKS_URL: 'https://crm.example.com/.well-known/jwks.json',
    });
    expect(config.crm.webhookUrl).toBe('https://crm.example.com/hooks/gmail');
  });

  it('when CRM_JWT_MAX_LIFETIME is set, then it bounds CRM tokens; unset, 24 hours; malformed, refused', () => {
    expect(loadConfig({}).crm.maxLifetimeS).toBe(86_400);
    expect(loadConfig({ CRM_JWT_MAX_LIFETIME: '15m' }).crm.maxLifetimeS).toBe(900);
    expect(loadConfig({ CRM_JWT_MAX_LIFETIME: '7d' }).crm.maxLifetimeS).toBe(604_800);
    expectRefused({ CRM_JWT_MAX_LIFETIME: 'forever' }, /^invalid CRM_JWT_MAX_LIFETIME/);
    const config = loadConfig({
      CRM_JWT_ISSUER: 'https://crm.example.com',
      CRM_JWT_AUDIENCE: 'gmail-sync',
    });
    expect(config.crm).toMatchObject({ issuer: 'https://crm.example.com', audience: 'gmail-sync' });
  });

  it('when DATABASE_POOL_SIZE is set, then each process pools that many connections; unset, the service decides', () => {
    expect(loadConfig({}).databasePoolSize).toBeUndefined();
    expect(loadConfig({ DATABASE_POOL_SIZE: '8' }).databasePoolSize).toBe(8);
  });
});
