// The OpenAPI document's descriptions of the Gmail integration's routes (connect, callback, status,
// sync, send, disconnect, settings).
import { z } from 'zod';
import {
  callbackBody,
  callbackQuery,
  connectedView,
  connectQuery,
  settingsBody,
  syncBody,
} from './gmail-routes.ts';
import { crm, errors, json, type RouteConfig } from './openapi-common.ts';
import { statusView } from './openapi-views.ts';
import { sendBody } from './send-routes.ts';

export const INTEGRATION_ROUTES: RouteConfig[] = [
  {
    method: 'get',
    path: '/integrations/gmail/connect',
    summary: "Google's consent URL for the caller (offline access, PKCE, single-use state)",
    security: crm,
    request: { query: connectQuery },
    responses: {
      200: json(z.object({ auth_url: z.url() }), 'the consent URL'),
      ...errors(400, 401),
    },
  },
  {
    method: 'get',
    path: '/integrations/gmail/callback',
    summary: "Google's redirect after consent: on to the CRM, which finishes with the POST",
    request: { query: callbackQuery },
    responses: {
      200: json(
        z.object({ message: z.string(), email: z.string() }),
        'connected (development only: no CRM_APP_URL)',
      ),
      302: {
        description: 'on to CRM_APP_URL with ?gmail=callback&code&state, or ?gmail=error&reason=…',
      },
      ...errors(400, 409),
    },
  },
  {
    method: 'post',
    path: '/integrations/gmail/callback',
    summary: 'The CRM finishes the connection under the user who started it',
    security: crm,
    request: { body: { content: { 'application/json': { schema: callbackBody } } } },
    responses: {
      200: json(connectedView, 'connected; without gmail.send, read-only'),
      ...errors(400, 401, 403, 409),
    },
  },
  {
    method: 'get',
    path: '/integrations/gmail/status',
    summary: "The caller's mailbox connection",
    security: crm,
    responses: { 200: json(statusView, 'status'), ...errors(401) },
  },
  {
    method: 'post',
    path: '/integrations/gmail/sync',
    summary: 'Queue an incremental sync, or a bounded full one',
    security: crm,
    request: { body: { content: { 'application/json': { schema: syncBody } } } },
    responses: { 202: json(z.object({ job_id: z.string() }), 'queued'), ...errors(401, 404, 409) },
  },
  {
    method: 'post',
    path: '/integrations/gmail/send',
    summary:
      "Send through the caller's Gmail and log it once, now or at send_at; 422 suppressed when a recipient is on the org's suppression list",
    security: crm,
    request: {
      headers: z.object({ 'idempotency-key': z.string().min(1).max(255) }),
      body: { content: { 'application/json': { schema: sendBody } } },
    },
    responses: {
      201: json(
        z.object({
          message_id: z.string(),
          thread_id: z.string(),
          status: z.literal('sent'),
          activity_id: z.uuid().nullable(),
        }),
        'sent',
      ),
      202: json(
        z.union([
          z.object({ scheduled_id: z.uuid(), send_at: z.string(), status: z.literal('scheduled') }),
          z.object({ status: z.literal('unknown'), message_id_header: z.string() }),
        ]),
        'scheduled (send_at given): listed at /integrations/gmail/scheduled; or Gmail lost the answer and cannot yet say whether the mail went (event send.resolved will)',
      ),
      ...errors(400, 401, 404, 409, 413, 422, 429, 502),
    },
  },
  {
    method: 'delete',
    path: '/integrations/gmail/disconnect',
    summary: 'Stop the watch, revoke the grant, shred the tokens (activities stay)',
    security: crm,
    responses: {
      200: json(
        z.object({
          disconnected: z.boolean(),
          email: z.string().nullable(),
          revoked_at_google: z.boolean(),
        }),
        'disconnected',
      ),
      ...errors(401),
    },
  },
  {
    method: 'get',
    path: '/integrations/gmail/settings',
    summary: "The mailbox's filters",
    security: crm,
    responses: { 200: json(settingsBody.required(), 'settings'), ...errors(401, 404) },
  },
  {
    method: 'put',
    path: '/integrations/gmail/settings',
    summary: "Update the mailbox's filters (fields given are replaced)",
    security: crm,
    request: { body: { content: { 'application/json': { schema: settingsBody } } } },
    responses: { 200: json(settingsBody.required(), 'settings'), ...errors(400, 401, 404) },
  },
];
