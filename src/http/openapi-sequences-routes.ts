// The OpenAPI document's descriptions of what sequences use: scheduled mail, the org's
// suppression list and the public one-click unsubscribe link.
import { z } from 'zod';
import { crm, errors, json, type RouteConfig } from './openapi-common.ts';
import { scheduledParams, scheduledQuery } from './scheduled-routes.ts';
import { suppressionBody, suppressionParams, suppressionQuery } from './suppression-routes.ts';
import { unsubscribeParams } from './unsubscribe-routes.ts';

const scheduledView = z.object({
  scheduled_id: z.uuid(),
  status: z.enum(['scheduled', 'sending', 'sent', 'failed', 'cancelled']),
  send_at: z.string(),
  next_attempt_at: z
    .string()
    .describe('send_at, or later when Gmail’s daily sending limit postponed it'),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  attempts: z.number().int(),
  created_at: z.string(),
  sent_at: z.string().nullable(),
  message_id: z.string().nullable().describe('the Gmail id, once sent'),
  thread_id: z.string().nullable(),
  activity_id: z.uuid().nullable(),
  last_error: z.string().nullable(),
});
const suppressionView = z.object({
  email: z.string(),
  reason: z.enum(['hard_bounce', 'unsubscribed', 'manual']),
  created_at: z.string(),
});
const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
});

export const SEQUENCE_ROUTES: RouteConfig[] = [
  {
    method: 'get',
    path: '/integrations/gmail/scheduled',
    summary: "The caller's scheduled mail, by send time (schedule with send_at on /send)",
    security: crm,
    request: { query: scheduledQuery },
    responses: {
      200: json(
        z.object({ items: z.array(scheduledView), next_cursor: z.string().nullable() }),
        'a page',
      ),
      ...errors(400, 401),
    },
  },
  {
    method: 'delete',
    path: '/integrations/gmail/scheduled/{id}',
    summary: 'Cancel a scheduled mail while it waits; 409 already_sent once it went',
    security: crm,
    request: { params: scheduledParams },
    responses: {
      200: json(scheduledView, 'cancelled (or already cancelled)'),
      ...errors(400, 401, 404, 409),
    },
  },
  {
    method: 'get',
    path: '/org/suppressions',
    summary: "The org's suppression list, newest first (admin token)",
    security: crm,
    request: { query: suppressionQuery },
    responses: {
      200: json(
        z.object({ items: z.array(suppressionView), next_cursor: z.string().nullable() }),
        'a page',
      ),
      ...errors(400, 401, 403),
    },
  },
  {
    method: 'post',
    path: '/org/suppressions',
    summary:
      'Add an address (admin token): sends to it are refused with 422 suppressed; an address already there keeps its first reason',
    security: crm,
    request: { body: { content: { 'application/json': { schema: suppressionBody } } } },
    responses: { 201: json(suppressionView, 'on the list'), ...errors(400, 401, 403) },
  },
  {
    method: 'delete',
    path: '/org/suppressions/{email}',
    summary: 'Lift a suppression (admin token)',
    security: crm,
    request: { params: suppressionParams },
    responses: {
      200: json(z.object({ email: z.string(), removed: z.literal(true) }), 'lifted'),
      ...errors(400, 401, 403, 404),
    },
  },
  {
    method: 'get',
    path: '/u/{token}',
    summary: 'One-click unsubscribe link (public): a page with one button; changes nothing',
    request: { params: unsubscribeParams },
    responses: { 200: html('the button'), 404: html('not a valid link'), ...errors(429) },
  },
  {
    method: 'post',
    path: '/u/{token}',
    summary:
      "RFC 8058 one-click unsubscribe (public): the link's recipient joins its org's suppressions; a replay changes nothing",
    request: { params: unsubscribeParams },
    responses: { 200: html('unsubscribed'), 404: html('not a valid link'), ...errors(429) },
  },
];
