// The OpenAPI document's descriptions of the other routes: activities and threads, org settings,
// the CRM and Pub/Sub hooks, the admin page, health, metrics and the pages.
import { z } from 'zod';
import { activitiesQuery } from './activities-routes.ts';
import {
  activityParams,
  activityQuery,
  attachmentParams,
  threadParams,
} from './activity-routes.ts';
import { calendarNotificationHeaders } from './calendar-routes.ts';
import { entityChangedBody } from './crm-routes.ts';
import { crm, errors, json, type RouteConfig } from './openapi-common.ts';
import { activity, activityDetail, orgSettingsView } from './openapi-views.ts';
import { orgSettingsBody } from './org-routes.ts';
import { pushBody } from './pubsub-routes.ts';

const readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({
    database: z.boolean(),
    migrations: z.boolean(),
    worker: z.boolean().optional(),
  }),
});

export const OTHER_ROUTES: RouteConfig[] = [
  {
    method: 'get',
    path: '/activities',
    summary:
      "An entity's activities (mail and meetings; type= one of them), newest first; group=thread: one item per thread (its newest activity) with count",
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
    method: 'post',
    path: '/google/calendar/notifications',
    summary:
      "Google Calendar's push channel endpoint: headers only, the channel's own token checked (no CRM token)",
    request: { headers: calendarNotificationHeaders },
    responses: {
      200: {
        description: 'queued (or nothing to do; an unknown channel is acknowledged and ignored)',
      },
      ...errors(400, 401, 503),
    },
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
    responses: { 200: json(z.object({ status: z.literal('ok') }), 'alive') },
  },
  {
    method: 'get',
    path: '/readyz',
    summary:
      'Readiness: database reachable and migrated; for a worker, that it takes runnable jobs',
    responses: { 200: json(readiness, 'ready'), 503: json(readiness, 'not ready') },
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
