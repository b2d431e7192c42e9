// An example request and answer for each operation of the API reference, keyed by
// `METHOD /path`. A test parses every example with the route's own zod schema, so an example
// that drifts from what the route accepts or answers fails the suite.
import type { OperationExample } from './openapi-common.ts';
import { ACTIVITY_EXAMPLES } from './openapi-examples-activities.ts';
import { ORG_WIDE_EXAMPLES } from './openapi-examples-org.ts';
import { SEQUENCE_EXAMPLES } from './openapi-examples-sequences.ts';

const AT = '2026-12-07T14:03:12.000Z';

const settings = {
  excluded_labels: ['Label_12'],
  blocked_domains: ['newsletter.example'],
  blocked_addresses: ['noreply@vendor.example'],
  log_internal: false,
  visibility: 'full',
  on_gmail_delete: 'keep',
};

const orgSettings = {
  sensitive_guard: 'on',
  auto_create_contacts: 'sent',
  never_log: { domains: ['rh.acme.com.br'], addresses: ['diretoria@acme.com.br'] },
  max_visibility: 'subject',
};

const CONNECTION_EXAMPLES: Record<string, OperationExample> = {
  'GET /integrations/gmail/connect': {
    response: {
      auth_url:
        'https://accounts.google.com/o/oauth2/v2/auth?client_id=…&scope=…&state=…&code_challenge=…&login_hint=ana%40acme.com',
    },
  },
  'GET /integrations/gmail/callback': {
    response: { message: 'Gmail connected', email: 'ana@acme.com' },
  },
  'POST /integrations/gmail/callback': {
    request: { code: '4/0AbCdEf…', state: 'Yk3q9T…' },
    response: {
      message: 'Gmail connected',
      email: 'ana@acme.com',
      scopes: [
        'https://www.googleapis.com/auth/gmail.readonly',
        'https://www.googleapis.com/auth/gmail.send',
      ],
    },
  },
  'GET /integrations/gmail/status': {
    response: {
      connected: true,
      email: 'ana@acme.com',
      status: 'active',
      connected_at: '2026-11-30T09:12:00.000Z',
      last_sync_at: AT,
      last_push_at: AT,
      watch_expires_at: '2026-12-14T09:12:00.000Z',
      lag_seconds: 0,
      last_error: null,
      throttled_until: null,
      scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
      send_as: [{ email: 'ana@acme.com', display_name: 'Ana Souza', default: true }],
      event_delivery: { pending: 0, oldest_pending_at: null, last_error: null },
      completeness: {
        checked_at: '2026-12-07T03:00:00.000Z',
        window_start: '2026-12-06T03:00:00.000Z',
        expected: 41,
        logged: 39,
        skipped: 2,
        repaired: 0,
        missing: 0,
      },
      progress: null,
      push: { healthy: true, checked_at: '2026-12-07T14:00:00.000Z', missed_push_at: null },
      calendar: {
        connected: true,
        last_sync_at: AT,
        channel_expires_at: '2026-12-14T09:00:00.000Z',
        last_error: null,
        reconnect_url: null,
      },
    },
  },
  'POST /integrations/gmail/sync': {
    request: { full: false },
    response: { job_id: '1842' },
  },
  'DELETE /integrations/gmail/disconnect': {
    response: { disconnected: true, email: 'ana@acme.com', revoked_at_google: true },
  },
  'GET /integrations/gmail/settings': { response: settings },
  'PUT /integrations/gmail/settings': {
    request: { blocked_domains: ['newsletter.example'], visibility: 'full' },
    response: settings,
  },
};

const SEND_EXAMPLES: Record<string, OperationExample> = {
  'POST /integrations/gmail/send': {
    request: {
      to: ['"Bruno Lima" <bruno@cliente.com.br>'],
      subject: 'Proposta comercial',
      text: 'Olá Bruno, segue a proposta que combinamos.',
      entity_type: 'deal',
      entity_id: '0b7c5a52-8f0e-4b63-9a53-2f4f8f6f1e10',
    },
    response: {
      message_id: '18c9f0d2a4b3e001',
      thread_id: '18c9f0d2a4b3e001',
      status: 'sent',
      activity_id: '5f1d2c3b-4a59-4e8f-9d70-6b5a4c3d2e1f',
    },
  },
};

const ORG_EXAMPLES: Record<string, OperationExample> = {
  'GET /org/settings': { response: orgSettings },
  'PUT /org/settings': {
    request: { auto_create_contacts: 'sent', never_log: orgSettings.never_log },
    response: orgSettings,
  },
  'POST /crm/entities/changed': {
    request: { entity_type: 'contact', entity_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' },
    response: { job_id: '1843' },
  },
  'POST /pubsub/gmail': {
    request: {
      message: {
        data: Buffer.from(
          JSON.stringify({ emailAddress: 'ana@acme.com', historyId: '9876543' }),
        ).toString('base64'),
        messageId: '2070443601311540',
        publishTime: AT,
      },
      subscription: 'projects/crm-prod/subscriptions/gmail-push',
    },
  },
};

const HEALTH_EXAMPLES: Record<string, OperationExample> = {
  'GET /healthz': { response: { status: 'ok' } },
  'GET /readyz': {
    response: { status: 'ready', checks: { database: true, migrations: true, worker: true } },
  },
};

/** Every operation's example: one fictional org (Acme, Ana its salesperson, Bruno a contact). */
export const EXAMPLES: Record<string, OperationExample> = {
  ...CONNECTION_EXAMPLES,
  ...SEND_EXAMPLES,
  ...ACTIVITY_EXAMPLES,
  ...ORG_EXAMPLES,
  ...SEQUENCE_EXAMPLES,
  ...ORG_WIDE_EXAMPLES,
  ...HEALTH_EXAMPLES,
};
