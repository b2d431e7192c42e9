// Every environment variable the service reads, in one place: its parser, the sentence that
// documents it and its default. config.ts parses the environment with these parsers; the README's
// configuration table is rendered from this table (test/config-keys.test.ts holds it to it).
import { z } from 'zod';

const cronField = /^(\S+\s+){4}\S+$/;
const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');
const url = z.url();
const port = z.coerce.number().int().min(0).max(65535);
const durationUnits = { s: 1, m: 60, h: 3600, d: 86400 } as const;
/** `90s`, `15m`, `24h`, `7d` → seconds. */
const duration = z
  .string()
  .regex(/^\d+[smhd]$/, 'must be a duration such as 15m, 24h or 7d')
  .transform(
    (v) => Number(v.slice(0, -1)) * durationUnits[v.slice(-1) as keyof typeof durationUnits],
  )
  .refine((s) => s > 0, 'must be longer than zero');

/** One variable: how it is parsed, what it means, and what holds when it is unset. */
export interface ConfigKey<P extends z.ZodType = z.ZodType> {
  parser: P;
  doc: string;
  /** The default as the documentation shows it. */
  default: string;
}

const isUnset = (v: unknown) => v === undefined || v === '';

/** A variable with a fixed default, written as the environment would hold it and parsed alike. */
function withDefault<T extends z.ZodType>(parser: T, fallback: string, doc: string) {
  return {
    parser: z.preprocess((v) => (isUnset(v) ? fallback : v), parser),
    doc,
    default: `\`${fallback}\``,
  } satisfies ConfigKey;
}

/** A variable whose absence means something else than a value (`shown` says what). */
function unsetMeans<T extends z.ZodType>(parser: T, shown: string, doc: string) {
  return {
    parser: z.preprocess((v) => (isUnset(v) ? undefined : v), parser.optional()),
    doc,
    default: shown,
  } satisfies ConfigKey;
}

export const configKeys = {
  NODE_ENV: unsetMeans(
    z.enum(['development', 'production', 'test']),
    'development',
    '`production` refuses every development default (secret, generated key, simulator)',
  ),
  DATABASE_URL: unsetMeans(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    'embedded PostgreSQL under `./.data/pg`',
    'PostgreSQL connection string',
  ),
  DATABASE_POOL_SIZE: unsetMeans(
    z.coerce.number().int().min(2).max(1000),
    '`25`',
    "connections in each process's database pool (plus one for its session locks and a worker's one for its liveness lease)",
  ),
  PORT: withDefault(port, '8080', 'HTTP port'),
  HEALTH_PORT: unsetMeans(
    port,
    '`PORT`',
    'where a worker-only process serves `/healthz`, `/readyz`, `/metrics`; a port already taken stops start-up with one line naming it, before any job is taken',
  ),
  PUBLIC_URL: unsetMeans(
    url,
    '`http://localhost:$PORT`',
    "the service's external base URL (OAuth redirect, push audience)",
  ),
  GOOGLE_CLIENT_ID: unsetMeans(z.string(), "the simulator's", 'the OAuth client'),
  GOOGLE_CLIENT_SECRET: unsetMeans(
    z.string(),
    "the simulator's",
    "the OAuth client's secret; required with `GOOGLE_CLIENT_ID`",
  ),
  GOOGLE_REDIRECT_URI: unsetMeans(
    url,
    '`$PUBLIC_URL/integrations/gmail/callback`',
    'the OAuth redirect',
  ),
  GMAIL_PUBSUB_TOPIC: unsetMeans(
    z.string().regex(/^projects\/[^/]+\/topics\/[^/]+$/, 'must be projects/P/topics/T'),
    '`projects/sim/topics/gmail`; required with `GOOGLE_CLIENT_ID`',
    '`projects/P/topics/T` that Gmail watches publish to',
  ),
  PUBSUB_PUSH_AUDIENCE: unsetMeans(
    z.string(),
    '`$PUBLIC_URL/pubsub/gmail`',
    'the `aud` a push token must carry',
  ),
  PUBSUB_PUSH_SERVICE_ACCOUNT: unsetMeans(
    z.email(),
    'required outside the simulator',
    'the `email` a push token must carry',
  ),
  PUBSUB_SUBSCRIPTION: unsetMeans(
    z.string(),
    'unset',
    'the worker also pulls notifications from this subscription (for deployments with no public endpoint)',
  ),
  GOOGLE_EMULATOR_HOST: unsetMeans(
    z.string().regex(/^[^\s/:]+:\d+$/, 'must be host:port'),
    'unset',
    '`host:port` of the Google simulator: every Google endpoint goes there',
  ),
  KMS_KEY_NAME: unsetMeans(
    z.string().regex(/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/),
    'unset',
    'Cloud KMS key that wraps the per-mailbox data keys',
  ),
  TOKEN_ENCRYPTION_KEY: unsetMeans(
    base64Key,
    'generated into `./.data` in development; required in production',
    'base64 32-byte local wrapping key, used when `KMS_KEY_NAME` is unset',
  ),
  TOKEN_ENCRYPTION_KEY_PREVIOUS: unsetMeans(
    z.string(),
    'unset',
    'comma-separated older local keys, kept only to unwrap until `rotate-keys` has run',
  ),
  CRM_JWT_SECRET: unsetMeans(
    z.string(),
    'a development secret, only with the simulator outside production',
    'the HS256 secret CRM bearer tokens are verified with (or `CRM_JWKS_URL`)',
  ),
  CRM_JWKS_URL: unsetMeans(
    url,
    'unset',
    'where the keys CRM bearer tokens are verified with are published (RS256, ES256, EdDSA)',
  ),
  CRM_JWT_ISSUER: unsetMeans(z.string(), 'unset', 'checked on CRM tokens when set'),
  CRM_JWT_AUDIENCE: unsetMeans(z.string(), 'unset', 'checked on CRM tokens when set'),
  CRM_JWT_MAX_LIFETIME: withDefault(
    duration,
    '24h',
    'the longest `exp - iat` a CRM token may have',
  ),
  CRM_APP_URL: unsetMeans(
    url,
    'unset: development only (JSON answer)',
    "where Google's redirect sends the browser on; the CRM's page finishes the connection; required in production and with real Google credentials",
  ),
  CRM_WEBHOOK_URL: unsetMeans(
    url,
    'unset: events only stored',
    'where events are POSTed, HMAC-SHA256 signed',
  ),
  CRM_WEBHOOK_SECRET: unsetMeans(
    z.string(),
    'unset; required with `CRM_WEBHOOK_URL`',
    "the webhook's signing secret",
  ),
  METRICS_TOKEN: unsetMeans(
    z.string().min(16, 'must be at least 16 characters'),
    'unset: open',
    'when set, `GET /metrics` requires `Authorization: Bearer <it>`',
  ),
  SYNC_BACKFILL_DAYS: withDefault(
    z.coerce.number().int().min(1).max(365),
    '7',
    "the initial sync's window, in days",
  ),
  SYNC_RETRO_DAYS: withDefault(
    z.coerce.number().int().min(1).max(3650),
    '365',
    'how far back a contact, lead or company added later gets its mail, and a recovery after Gmail lost the history reaches, in days',
  ),
  GMAIL_QUOTA_PROFILE: withDefault(
    z.enum(['2026', '2025']),
    '2026',
    "Gmail's quota costs and limits to pace by (by the Cloud project's creation date)",
  ),
  POLL_INTERVAL: withDefault(
    z.string().regex(cronField, 'must be a 5-field cron expression'),
    '*/15 * * * *',
    'fallback poll cron',
  ),
  MATCH_SEARCH_DELAY_MS: withDefault(
    z.coerce.number().int().min(0).max(600_000),
    '3000',
    "when Gmail's search is first asked about new mail, after it is seen",
  ),
  MATCH_SETTLE_MS: withDefault(
    z.coerce.number().int().min(1_000).max(86_400_000),
    '600000',
    'how long search may lag before new mail it has not found is let go',
  ),
  SEARCH_FULL_CRM_QUERIES: withDefault(
    z.coerce.number().int().min(0).max(1_000_000),
    '1',
    "a CRM whose addresses and domains fit this many search queries is searched whole; a larger one by each mailbox's learned correspondents and known senders ([how it works](docs/how-it-works.md))",
  ),
  AUDIT_SAMPLE_RATE: withDefault(
    z.coerce.number().min(0).max(1),
    '0.05',
    "the share (0–1) of the mail search let go that the audit reads (`format=metadata`) to check search's verdict independently; at least 5 a day, 0 turns it off",
  ),
  SYNC_CALENDAR: withDefault(
    z.enum(['on', 'off']),
    'on',
    '`on`: connecting also asks `calendar.events.readonly` (optional) and meetings are logged',
  ),
  LOG_LEVEL: withDefault(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    'pino level',
  ),
  GOOGLE_DELEGATION_SERVICE_ACCOUNT: unsetMeans(
    z.email().regex(/\.iam\.gserviceaccount\.com$/i, 'must be a service account address'),
    'unset: `PUT /org/workspace` is 503',
    'the service account a Workspace admin authorises for domain-wide delegation (signs through IAM Credentials, no key file)',
  ),
} as const;

type Keys = typeof configKeys;
export type ConfigKeyName = keyof Keys;

/** The environment, parsed: each variable once, by its key's parser. */
export const envSchema = z.object(
  Object.fromEntries(Object.entries(configKeys).map(([name, key]) => [name, key.parser])) as {
    [K in ConfigKeyName]: Keys[K]['parser'];
  },
);

export type Env = z.infer<typeof envSchema>;

/** The README's configuration table, one row a variable. */
export function configTableMarkdown(): string {
  const rows = Object.entries(configKeys).map(
    ([name, key]) => `| \`${name}\` | ${key.doc} | ${key.default} |`,
  );
  return ['| variable | meaning | default |', '| --- | --- | --- |', ...rows].join('\n');
}
