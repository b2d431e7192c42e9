// Examples for the timeline routes (activities and threads): one logged mail, as a list item and
// in detail. See openapi-examples.ts.
import type { OperationExample } from './openapi-common.ts';

const ACTIVITY_ID = '5f1d2c3b-4a59-4e8f-9d70-6b5a4c3d2e1f';
const CONTACT_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const DEAL_ID = '0b7c5a52-8f0e-4b63-9a53-2f4f8f6f1e10';

const item = {
  id: ACTIVITY_ID,
  type: 'email',
  entity_type: 'contact',
  entity_id: CONTACT_ID,
  title: 'Re: Proposta comercial',
  description: 'Oi Ana, recebi a proposta. Podemos falar amanhã às 10h?',
  email_subject: 'Re: Proposta comercial',
  email_direction: 'received',
  content: {
    gmail_message_id: '18c9f1a7b2c4d002',
    thread_id: '18c9f0d2a4b3e001',
    from: 'Bruno Lima <bruno@cliente.com.br>',
    to: ['ana@acme.com'],
    cc: [],
    body: 'Oi Ana, recebi a proposta. Podemos falar amanhã às 10h?',
  },
  thread_id: '18c9f0d2a4b3e001',
  created_at: '2026-12-07T14:03:12.000Z',
  created_by: 'user-ana',
  created_by_name: 'Ana Souza',
  status: 'logged',
  links: [
    { entity_type: 'contact', entity_id: CONTACT_ID },
    { entity_type: 'deal', entity_id: DEAL_ID },
  ],
  attachments: [
    {
      filename: 'contrato.pdf',
      content_type: 'application/pdf',
      size: 48213,
      inline: false,
      content_id: null,
    },
  ],
  visibility: 'full',
  sensitive_rule: null,
};

const detail = {
  ...item,
  body_text: 'Oi Ana, recebi a proposta. Podemos falar amanhã às 10h?\n\n> Olá Bruno, segue…',
  body_html: '<p>Oi Ana, recebi a proposta. Podemos falar amanhã às 10h?</p>',
  body_new: 'Oi Ana, recebi a proposta. Podemos falar amanhã às 10h?',
  body_truncated: false,
};

export const ACTIVITY_EXAMPLES: Record<string, OperationExample> = {
  'GET /activities': { response: { items: [item], next_cursor: null } },
  'GET /activities/{id}': { response: detail },
  'POST /activities/{id}/private': {
    response: {
      ...detail,
      visibility: 'private',
      body_text: '',
      body_html: null,
      body_new: '',
      attachments: [],
    },
  },
  'DELETE /activities/{id}': { response: { id: ACTIVITY_ID, deleted: true } },
  'GET /threads/{thread_id}': { response: { thread_id: '18c9f0d2a4b3e001', items: [item] } },
};
