// The service's configuration: every environment variable (config-keys.ts) parsed once, at start.
// A value that is present but malformed stops start-up with one line naming it; production refuses
// development defaults. The Gmail-shaped delays (config-timings.ts) are not variables: tests shorten
// them in the config they build.

import { type Env, envSchema } from './config-keys.ts';
import { unsafeOutboundUrlReason, weakKeyReason, weakSecretReason } from './config-safety.ts';
import { productionTimings, type Timings } from './config-timings.ts';

export type { Env } from './config-keys.ts';

export const DEV_JWT_SECRET = 'gmail-sync-development-secret-do-not-use';
export const SIM_CLIENT_ID = 'sim-client-id';
export const SIM_CLIENT_SECRET = 'sim-client-secret';
export const SIM_PUSH_SERVICE_ACCOUNT = 'gmail-push@sim.iam.gserviceaccount.com';
export const SIM_TOPIC = 'projects/sim/topics/gmail';

export interface Config {
  production: boolean;
  databaseUrl: string | undefined;
  /** DATABASE_POOL_SIZE: undefined means service.ts's poolSize(). */
  databasePoolSize: number | undefined;
  port: number;
  /** Where a worker-only process answers health probes (HEALTH_PORT, else PORT). */
  healthPort: number;
  publicUrl: string;
  google: {
    /** True when no real credentials are configured: start the simulator in-process. */
    useSimulator: boolean;
    emulatorHost: string | undefined;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    pubsubTopic: string;
    pushAudience: string;
    pushServiceAccount: string;
    pubsubSubscription: string | undefined;
    quotaProfile: '2026' | '2025';
    /** Domain-wide delegation's service account (its JWTs signed through IAM Credentials). */
    delegationServiceAccount: string | undefined;
    /** SYNC_CALENDAR: connecting asks for the calendar too, and meetings are logged. */
    syncCalendar: boolean;
  };
  vault: {
    kmsKeyName: string | undefined;
    localKey: Buffer | undefined;
    previousLocalKeys: Buffer[];
  };
  crm: {
    jwtSecret: string | undefined;
    jwksUrl: string | undefined;
    usesDevSecret: boolean;
    issuer: string | undefined;
    audience: string | undefined;
    maxLifetimeS: number;
    appUrl: string | undefined;
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
  };
  sync: {
    backfillDays: number;
    retroDays: number;
    pollInterval: string;
    /** Search before fetch (search-first/): how long after a mail is seen it is searched for,
     * and how long search may lag before a mail it has not found is taken as no one's. */
    searchFirst: { delayMs: number; settleMs: number; fullCrmQueries: number };
    /** The independent check of what search let go (search-audit/): the share it samples. */
    audit: { sampleRate: number };
  };
  /**
   * How far ahead `send_at` may be: CONTRACT.md's 1 minute to 30 days. Not an environment
   * variable; tests that cannot wait a minute pass a shorter minimum in the config they build.
   */
  schedule: { minLeadMs: number; maxLeadMs: number };
  /** Gmail-shaped delays (config-timings.ts): production's, unless a test builds shorter ones. */
  timings: Timings;
  logLevel: string;
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws ConfigError with one line naming the offending variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`invalid ${name}: ${issue?.message ?? 'malformed'}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const port = e.PORT;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const useSimulator = e.GOOGLE_CLIENT_ID === undefined;
  const usesDevSecret = e.CRM_JWT_SECRET === undefined && e.CRM_JWKS_URL === undefined;

  if (production) refuseDevDefaults(e, useSimulator, usesDevSecret);
  // Development is the simulator outside production: real Google credentials mean real mail.
  refuseWeakValues(e, !production && useSimulator);
  if (!useSimulator && e.GOOGLE_CLIENT_SECRET === undefined) {
    throw new ConfigError('invalid GOOGLE_CLIENT_SECRET: required when GOOGLE_CLIENT_ID is set');
  }
  if (!useSimulator && e.GMAIL_PUBSUB_TOPIC === undefined) {
    throw new ConfigError('invalid GMAIL_PUBSUB_TOPIC: required when GOOGLE_CLIENT_ID is set');
  }
  if (!useSimulator && !e.GOOGLE_EMULATOR_HOST && e.PUBSUB_PUSH_SERVICE_ACCOUNT === undefined) {
    throw new ConfigError('invalid PUBSUB_PUSH_SERVICE_ACCOUNT: required outside the simulator');
  }
  if (e.CRM_WEBHOOK_URL && !e.CRM_WEBHOOK_SECRET) {
    throw new ConfigError('invalid CRM_WEBHOOK_SECRET: required when CRM_WEBHOOK_URL is set');
  }

  return {
    production,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    port,
    healthPort: e.HEALTH_PORT ?? port,
    publicUrl,
    google: {
      useSimulator,
      emulatorHost: e.GOOGLE_EMULATOR_HOST,
      clientId: e.GOOGLE_CLIENT_ID ?? SIM_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET ?? SIM_CLIENT_SECRET,
      redirectUri: e.GOOGLE_REDIRECT_URI ?? `${publicUrl}/integrations/gmail/callback`,
      pubsubTopic: e.GMAIL_PUBSUB_TOPIC ?? SIM_TOPIC,
      pushAudience: e.PUBSUB_PUSH_AUDIENCE ?? `${publicUrl}/pubsub/gmail`,
      pushServiceAccount: e.PUBSUB_PUSH_SERVICE_ACCOUNT ?? SIM_PUSH_SERVICE_ACCOUNT,
      pubsubSubscription: e.PUBSUB_SUBSCRIPTION,
      quotaProfile: e.GMAIL_QUOTA_PROFILE,
      delegationServiceAccount: e.GOOGLE_DELEGATION_SERVICE_ACCOUNT?.toLowerCase(),
      syncCalendar: e.SYNC_CALENDAR === 'on',
    },
    vault: {
      kmsKeyName: e.KMS_KEY_NAME,
      localKey: e.TOKEN_ENCRYPTION_KEY ? Buffer.from(e.TOKEN_ENCRYPTION_KEY, 'base64') : undefined,
      previousLocalKeys: parsePreviousKeys(e.TOKEN_ENCRYPTION_KEY_PREVIOUS),
    },
    crm: {
      jwtSecret: usesDevSecret ? DEV_JWT_SECRET : e.CRM_JWT_SECRET,
      jwksUrl: e.CRM_JWKS_URL,
      usesDevSecret,
      issuer: e.CRM_JWT_ISSUER,
      audience: e.CRM_JWT_AUDIENCE,
      maxLifetimeS: e.CRM_JWT_MAX_LIFETIME,
      appUrl: e.CRM_APP_URL,
      webhookUrl: e.CRM_WEBHOOK_URL,
      webhookSecret: e.CRM_WEBHOOK_SECRET,
    },
    sync: {
      backfillDays: e.SYNC_BACKFILL_DAYS,
      retroDays: e.SYNC_RETRO_DAYS,
      pollInterval: e.POLL_INTERVAL,
      searchFirst: {
        delayMs: e.MATCH_SEARCH_DELAY_MS,
        settleMs: e.MATCH_SETTLE_MS,
        fullCrmQueries: e.SEARCH_FULL_CRM_QUERIES,
      },
      audit: { sampleRate: e.AUDIT_SAMPLE_RATE },
    },
    schedule: { minLeadMs: 60_000, maxLeadMs: 30 * 86_400_000 },
    timings: productionTimings,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
  };
}

function refuseDevDefaults(e: Env, useSimulator: boolean, usesDevSecret: boolean): void {
  const refuse = (name: string, why: string) => {
    throw new ConfigError(`invalid ${name}: ${why} (NODE_ENV=production refuses dev defaults)`);
  };
  if (useSimulator) refuse('GOOGLE_CLIENT_ID', 'required; the simulator is for development');
  if (e.GOOGLE_EMULATOR_HOST) refuse('GOOGLE_EMULATOR_HOST', 'must be unset');
  if (usesDevSecret) refuse('CRM_JWT_SECRET', 'CRM_JWT_SECRET or CRM_JWKS_URL is required');
  if (!e.CRM_APP_URL) refuse('CRM_APP_URL', 'required; the OAuth callback completes in the CRM');
  if (!e.KMS_KEY_NAME && !e.TOKEN_ENCRYPTION_KEY) {
    refuse('TOKEN_ENCRYPTION_KEY', 'KMS_KEY_NAME or TOKEN_ENCRYPTION_KEY is required');
  }
  if (!e.DATABASE_URL) refuse('DATABASE_URL', 'required; embedded PostgreSQL is for development');
  if (!e.PUBLIC_URL) refuse('PUBLIC_URL', 'required');
}

/** Secrets and keys an attacker could guess, and URLs that reach inward, stop start-up. */
function refuseWeakValues(e: Env, development: boolean): void {
  const refuse = (name: string, why: string) => {
    throw new ConfigError(`invalid ${name}: ${why}`);
  };
  for (const name of ['CRM_JWT_SECRET', 'CRM_WEBHOOK_SECRET'] as const) {
    const value = e[name];
    const reason = value === undefined ? undefined : weakSecretReason(value, [DEV_JWT_SECRET]);
    if (reason) refuse(name, reason);
  }
  if (development) return;
  // The GET callback completes a connection by itself only in development: with real Google
  // credentials a consent link opened by someone else would hand their mailbox over.
  if (e.CRM_APP_URL === undefined) {
    refuse(
      'CRM_APP_URL',
      'required with real Google credentials; the OAuth callback completes in the CRM',
    );
  }
  if (e.CRM_JWT_SECRET === undefined && e.CRM_JWKS_URL === undefined) {
    refuse(
      'CRM_JWT_SECRET',
      'CRM_JWT_SECRET or CRM_JWKS_URL is required with real Google credentials',
    );
  }
  const key = e.TOKEN_ENCRYPTION_KEY;
  const keyReason = key === undefined ? undefined : weakKeyReason(Buffer.from(key, 'base64'));
  if (keyReason) refuse('TOKEN_ENCRYPTION_KEY', keyReason);
  for (const name of ['CRM_WEBHOOK_URL', 'CRM_JWKS_URL'] as const) {
    const value = e[name];
    const reason = value === undefined ? undefined : unsafeOutboundUrlReason(value);
    if (reason) refuse(name, reason);
  }
}

function parsePreviousKeys(value: string | undefined): Buffer[] {
  if (!value) return [];
  return value.split(',').map((part, i) => {
    const key = Buffer.from(part.trim(), 'base64');
    if (key.length !== 32) {
      throw new ConfigError(
        `invalid TOKEN_ENCRYPTION_KEY_PREVIOUS: entry ${i + 1} is not 32 bytes`,
      );
    }
    return key;
  });
}
