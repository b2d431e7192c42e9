// Examples for the org-wide routes: the Workspace connection, the org's mailboxes and their
// members, erasures (see openapi-examples.ts).
import type { OperationExample } from './openapi-common.ts';

const workspace = {
  domain: 'acme.com.br',
  admin_email: 'ti@acme.com.br',
  selection: 'all',
  state: 'active',
  users: { found: 48, connected: 47, failed: 0, suspended: 1 },
  checked_at: '2026-12-07T14:03:12.000Z',
  last_error: null,
  authorization: {
    service_account: 'gmail-sync-dwd@crm-prod.iam.gserviceaccount.com',
    client_id: '104882233445566778899',
    scopes: [
      'https://www.googleapis.com/auth/admin.directory.user.readonly',
      'https://www.googleapis.com/auth/gmail.readonly',
      'https://www.googleapis.com/auth/gmail.send',
    ],
  },
};

const sales = {
  id: '3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9',
  address: 'vendas@acme.com.br',
  owner: { type: 'org', user_id: null },
  status: 'active',
  connected_via: 'workspace',
  members: ['user-ana', 'user-bruno'],
};

const receipt = {
  erasure_id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  email_hash: '5f1c0e6b2a9d4c7e8f3a1b0d9c8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e',
  removed: {
    activities: 12,
    links: 19,
    events: 14,
    pending: 0,
    dead_letters: 0,
    idempotency_records: 1,
    mentions_redacted: 2,
    sent_mail: 3,
    scheduled_sends: 0,
    suppressions: 0,
  },
};

export const ORG_WIDE_EXAMPLES: Record<string, OperationExample> = {
  'PUT /org/workspace': {
    request: { domain: 'acme.com.br', admin_email: 'ti@acme.com.br', users: 'all' },
    response: {
      job_id: '2210',
      ...workspace,
      state: 'active',
      users: { found: 0, connected: 0, failed: 0, suspended: 0 },
      checked_at: null,
      authorization: { ...workspace.authorization, client_id: null },
    },
  },
  'GET /org/workspace': { response: workspace },
  'DELETE /org/workspace': { response: { disconnected: 47 } },
  'GET /org/mailboxes': {
    response: {
      items: [
        {
          id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
          address: 'ana@acme.com.br',
          owner: { type: 'user', user_id: 'user-ana' },
          status: 'active',
          connected_via: 'user',
          members: [],
        },
        sales,
      ],
    },
  },
  'PUT /org/mailboxes/{id}/members': {
    request: { user_ids: ['user-ana', 'user-bruno'] },
    response: sales,
  },
  'POST /org/erasures': { request: { email: 'joao.silva@cliente.com.br' }, response: receipt },
  'GET /org/erasures': {
    response: {
      items: [{ ...receipt, requested_by: 'user-dpo', created_at: '2026-12-07T14:03:12.000Z' }],
    },
  },
};
