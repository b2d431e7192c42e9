// Examples for what sequences use: scheduled mail and the org's suppression list (see
// openapi-examples.ts). The one-click unsubscribe link answers HTML, so it has none.
import type { OperationExample } from './openapi-common.ts';

const scheduled = {
  scheduled_id: '7c1e4b2a-9d3f-4e8a-b5c6-0d1e2f3a4b5c',
  status: 'scheduled',
  send_at: '2026-12-08T12:00:00.000Z',
  next_attempt_at: '2026-12-08T12:00:00.000Z',
  to: ['bruno@cliente.com.br'],
  cc: [],
  bcc: [],
  subject: 'Seguindo sobre a proposta',
  attempts: 0,
  created_at: '2026-12-07T14:03:12.000Z',
  sent_at: null,
  message_id: null,
  thread_id: null,
  activity_id: null,
  last_error: null,
};

const suppression = {
  email: 'ex-cliente@empresa.com.br',
  reason: 'manual',
  created_at: '2026-12-07T14:03:12.000Z',
};

export const SEQUENCE_EXAMPLES: Record<string, OperationExample> = {
  'GET /integrations/gmail/scheduled': { response: { items: [scheduled], next_cursor: null } },
  'DELETE /integrations/gmail/scheduled/{id}': { response: { ...scheduled, status: 'cancelled' } },
  'GET /org/suppressions': {
    response: { items: [{ ...suppression, reason: 'hard_bounce' }], next_cursor: null },
  },
  'POST /org/suppressions': {
    request: { email: 'ex-cliente@empresa.com.br', reason: 'manual' },
    response: suppression,
  },
  'DELETE /org/suppressions/{email}': {
    response: { email: 'ex-cliente@empresa.com.br', removed: true },
  },
};
