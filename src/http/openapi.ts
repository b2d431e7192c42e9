// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ENTITY_TYPES } from '../sync/link-entities.ts';
import { activitiesQuery } from './activities-routes.ts';
import {
  activityParams,
  activityQuery,
  attachmentParams,
  threadParams,
} from './activity-routes.ts';
import { entityChangedBody } from './crm-routes.ts';
import {
  callbackBody,
  callbackQuery,
  connectedView,
  connectQuery,
  settingsBody,
  syncBody,
} from './gmail-routes.ts';
import { orgSettingsBody } from './org-routes.ts';
import { pushBody } from './pubsub-routes.ts';
import { sendBody } from './send-routes.ts';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
const statusView = z.object({
  connected: z.boolean(),
  email: z.string().nullable(),
  status: z.enum(['active', 'syncing', 'error', 'revoked', 'disconnected']),
  connected_at: z.string().nullable(),
  last_sync_at: z.string().nullable(),
  last_push_at: z.string().nullable(),
  watch_expires_at: z.string().nullable(),
  lag_seconds: z.number().nullable(),
  last_error: z.string().nullable(),
  scopes: z.array(z.string()),
  send_as: z.array(z.object({ email: z.string(), display_name: z.string(), default: z.boolean() })),
  event_delivery: z
    .object({
      pending: z.number(),
      oldest_pending_at: z.string().nullable(),
      last_error: z.string().nullable(),
    })
    .nullable(),
  completeness: z
    .object({
      checked_at: z.string(),
      window_start: z.string(),
      expected: z.number(),
      logged: z.number(),
      skipped: z.number(),
      repaired: z.number(),
      missing: z.number(),
    })
    .nullable(),
  progress: z
    .object({
      phase: z.enum(['backfill', 'recovery', 'reconciliation', 'retroactive_search']),
      done: z.number(),
      total: z.number(),
      eta_seconds: z.number().nullable(),
    })
    .nullable(),
});
const link = z.object({ entity_type: z.enum(ENTITY_TYPES), entity_id: z.uuid() });
const activity = z.object({
  id: z.uuid(),
  type: z.literal('email'),
  entity_type: z.enum(ENTITY_TYPES),
  entity_id: z.uuid(),
  title: z.string(),
  description: z.string(),
  email_subject: z.string(),
  email_direction: z.enum(['sent', 'received']),
  content: z.object({
    gmail_message_id: z.string(),
    thread_id: z.string(),
    from: z.string().nullable(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    body: z.string(),
    body_truncated: z.boolean().optional(),
    body_new: z.string().optional(),
  }),
  thread_id: z.string(),
  created_at: z.string(),
  created_by: z.string(),
  created_by_name: z.string(),
  /** `bounced` once Gmail's delivery-status notification for mail we sent arrived. */
  status: z.enum(['logged', 'bounced']),
  links: z.array(link),
  attachments: z.array(
    z.object({
      filename: z.string(),
      content_type: z.string(),
      size: z.number(),
      inline: z.boolean(),
      content_id: z.string().nullable(),
    }),
  ),
  visibility: z
    .enum(['full', 'subject', 'metadata', 'private'])
    .describe('what was kept: the mailbox setting, metadata for sensitive mail, or private'),
  sensitive_rule: z
    .string()
    .nullable()
    .describe('the sensitive-mail rule that kept the content out, when one did'),
});
const activityDetail = activity.extend({
  body_text: z.string(),
  body_html: z
    .string()
    .nullable()
    .describe(
      'sanitised HTML; remote images carry data-remote-src instead of src until the CRM copies it back; inline images point at /activities/{id}/attachments/{n}',
    ),
  body_new: z.string().describe('the new part of a reply, without the quoted thread'),
  body_truncated: z.boolean().describe('storage cut the text at 256 KiB; ?full=1 reads it whole'),
});
const orgSettingsView = orgSettingsBody.required();

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), json(errorBody, `error ${s}`)]));

const crm = [{ crmBearer: [] }];

export const ROUTES: RouteConfig[] = [
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
    summary: "Send through the caller's Gmail and log it once",
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
  {
    method: 'get',
    path: '/activities',
    summary:
      "An entity's email activities, newest first; group=thread: one item per thread (its newest activity) with count",
    security: crm,
    request: { query: activitiesQuery },
    responses: {
      200: json(
        z.object({
          items: z.array(
            activity.extend({
              count: z
                .number()
                .int()
                .optional()
                .describe("group=thread only: the thread's activities on this timeline"),
            }),
          ),
          next_cursor: z.string().nullable(),
        }),
        'a page',
      ),
      ...errors(400, 401),
    },
  },
  {
    method: 'get',
    path: '/activities/{id}',
    summary: 'One activity with its bodies; full=1 reads a text cut by storage whole from Gmail',
    security: crm,
    request: { params: activityParams, query: activityQuery },
    responses: {
      200: json(activityDetail, 'the activity'),
      ...errors(400, 401, 404, 409),
    },
  },
  {
    method: 'get',
    path: '/activities/{id}/attachments/{n}',
    summary:
      'The n-th (from 0) attachment of the list, streamed from Gmail, never kept (at most 50 MB)',
    security: crm,
    request: { params: attachmentParams },
    responses: {
      200: {
        description: 'the bytes; Content-Disposition: attachment (RFC 6266), nosniff, no-store',
        content: { 'application/octet-stream': { schema: z.string() } },
      },
      ...errors(400, 401, 404, 409, 413),
    },
  },
  {
    method: 'post',
    path: '/activities/{id}/private',
    summary: "The mailbox owner drops the activity's bodies and attachments; links stay",
    security: crm,
    request: { params: activityParams },
    responses: { 200: json(activityDetail, 'the activity, now private'), ...errors(401, 403, 404) },
  },
  {
    method: 'delete',
    path: '/activities/{id}',
    summary: 'The owner (or an admin) removes the activity; the mail is never logged again',
    security: crm,
    request: { params: activityParams },
    responses: {
      200: json(z.object({ id: z.uuid(), deleted: z.literal(true) }), 'removed'),
      ...errors(401, 403, 404),
    },
  },
  {
    method: 'get',
    path: '/threads/{thread_id}',
    summary: "A thread's activities, oldest first, with links",
    security: crm,
    request: { params: threadParams },
    responses: {
      200: json(z.object({ thread_id: z.string(), items: z.array(activity) }), 'the thread'),
      ...errors(400, 401),
    },
  },
  {
    method: 'get',
    path: '/org/settings',
    summary: "The org's settings (admin token)",
    security: crm,
    responses: { 200: json(orgSettingsView, 'settings'), ...errors(401, 403) },
  },
  {
    method: 'put',
    path: '/org/settings',
    summary: "Update the org's settings (admin token; fields given are replaced)",
    security: crm,
    request: { body: { content: { 'application/json': { schema: orgSettingsBody } } } },
    responses: { 200: json(orgSettingsView, 'settings'), ...errors(400, 401, 403) },
  },
  {
    method: 'post',
    path: '/crm/entities/changed',
    summary:
      "A CRM record's addresses changed: its past mail (SYNC_RETRO_DAYS) is searched in the org's mailboxes",
    security: crm,
    request: { body: { content: { 'application/json': { schema: entityChangedBody } } } },
    responses: { 202: json(z.object({ job_id: z.string() }), 'queued'), ...errors(400, 401) },
  },
  {
    method: 'post',
    path: '/pubsub/gmail',
    summary: 'Pub/Sub push endpoint (OIDC token from the push service account)',
    security: [{ pubsubOidc: [] }],
    request: { body: { content: { 'application/json': { schema: pushBody } } } },
    responses: { 204: { description: 'queued (or dead-lettered)' }, ...errors(401, 403, 413, 503) },
  },
  {
    method: 'get',
    path: '/admin',
    summary: "The org's mailboxes and activities per minute (HTML; a CRM token with admin: true)",
    security: crm,
    responses: { 200: { description: 'HTML page' }, ...errors(401, 403) },
  },
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    responses: { 200: { description: 'alive' } },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: database reachable and migrated',
    responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'text' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    responses: { 200: { description: 'JSON' } },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'This document, rendered',
    responses: { 200: { description: 'HTML' } },
  },
  {
    method: 'get',
    path: '/',
    summary: 'In development a page linking the rest; in production {"service","docs"}',
    responses: { 200: { description: 'HTML or JSON' } },
  },
  {
    method: 'get',
    path: '/dev/sign-in',
    summary: 'Development only: a sign-in form standing in for the CRM session',
    responses: { 200: { description: 'HTML' } },
  },
  {
    method: 'post',
    path: '/dev/sign-in',
    summary: 'Development only: sets the gs_session cookie (a development CRM token)',
    responses: { 303: { description: 'to the page asked for' } },
  },
];

export function buildOpenApiDocument(publicUrl: string): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'crmBearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  registry.registerComponent('securitySchemes', 'pubsubOidc', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'OIDC ID token signed by Google',
  });
  for (const route of ROUTES) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'gmail-sync',
      version: '0.1.0',
      description: "Keeps a CRM's email history complete and current through Gmail push.",
    },
    servers: [{ url: publicUrl }],
  });
}
