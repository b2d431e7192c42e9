import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const key = Buffer.alloc(32, 7).toString('base64');
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u@db/gs',
  PUBLIC_URL: 'https://sync.example.com',
  GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'secret',
  GMAIL_PUBSUB_TOPIC: 'projects/p/topics/gmail',
  PUBSUB_PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
  CRM_JWT_SECRET: 'a-long-enough-crm-secret',
  TOKEN_ENCRYPTION_KEY: key,
};

describe('loadConfig', () => {
  it('when nothing is set, then development defaults point at the simulator', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.google.useSimulator).toBe(true);
    expect(config.google.redirectUri).toBe('http://localhost:8080/integrations/gmail/callback');
    expect(config.google.pushAudience).toBe('http://localhost:8080/pubsub/gmail');
    expect(config.crm.usesDevSecret).toBe(true);
    expect(config.sync).toEqual({ backfillDays: 7, pollInterval: '*/15 * * * *' });
    expect(config.google.quotaProfile).toBe('2026');
  });

  it.each([
    ['PORT', 'eighty', /invalid PORT/],
    ['PUBLIC_URL', 'not a url', /invalid PUBLIC_URL/],
    ['GMAIL_PUBSUB_TOPIC', 'gmail', /invalid GMAIL_PUBSUB_TOPIC: must be projects\/P\/topics\/T/],
    ['TOKEN_ENCRYPTION_KEY', 'c2hvcnQ=', /invalid TOKEN_ENCRYPTION_KEY: must be 32 bytes/],
    ['GMAIL_QUOTA_PROFILE', '2024', /invalid GMAIL_QUOTA_PROFILE/],
    ['POLL_INTERVAL', 'every minute', /invalid POLL_INTERVAL/],
    ['SYNC_BACKFILL_DAYS', '-1', /invalid SYNC_BACKFILL_DAYS/],
    ['DATABASE_URL', 'mysql://x', /invalid DATABASE_URL/],
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
});
