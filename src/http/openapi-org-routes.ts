// The OpenAPI document's descriptions of the org-wide routes (admin token): the Workspace
// connection, the org's mailboxes and their members, and erasures.
import { z } from 'zod';
import { erasureBody, erasuresQuery } from './erasure-routes.ts';
import { crm, errors, json, type RouteConfig } from './openapi-common.ts';
import { membersBody, orgMailboxParams } from './org-mailbox-routes.ts';
import { workspaceBody } from './workspace-routes.ts';

const workspaceView = z.object({
  domain: z.string(),
  admin_email: z.string(),
  selection: z.union([z.literal('all'), z.object({ emails: z.array(z.string()) })]),
  state: z
    .enum(['active', 'unauthorized', 'error'])
    .describe('unauthorized: the admin has not authorised the client for the scopes'),
  users: z.object({
    found: z.number().int(),
    connected: z.number().int(),
    failed: z.number().int(),
    suspended: z.number().int(),
  }),
  checked_at: z.string().nullable().describe('null until the first check ran'),
  last_error: z.string().nullable(),
  authorization: z
    .object({
      service_account: z.string().nullable(),
      client_id: z.string().nullable(),
      scopes: z.array(z.string()),
    })
    .describe('what the Workspace admin authorises for domain-wide delegation'),
});

const orgMailbox = z.object({
  id: z.uuid(),
  address: z.string(),
  owner: z.object({ type: z.enum(['user', 'org']), user_id: z.string().nullable() }),
  status: z.string(),
  connected_via: z.enum(['user', 'workspace']),
  members: z.array(z.string()),
});

const counts = z.record(z.string(), z.number().int());
const receipt = z.object({
  erasure_id: z.uuid(),
  email_hash: z.string().describe('HMAC-SHA256 of the address under the org’s key, hex'),
  removed: counts.describe(
    'activities, links, events, pending, dead_letters, idempotency_records, mentions_redacted',
  ),
});

export const ORG_ROUTES: RouteConfig[] = [
  {
    method: 'put',
    path: '/org/workspace',
    summary:
      "Connect a Google Workspace's users through domain-wide delegation (a job checks it at once, then daily)",
    security: crm,
    request: { body: { content: { 'application/json': { schema: workspaceBody } } } },
    responses: {
      202: json(workspaceView.extend({ job_id: z.string() }), 'registered; the check is queued'),
      ...errors(400, 401, 403, 409, 503),
    },
  },
  {
    method: 'get',
    path: '/org/workspace',
    summary: "The Workspace connection's state, as its last check left it",
    security: crm,
    responses: { 200: json(workspaceView, 'the Workspace'), ...errors(401, 403, 404) },
  },
  {
    method: 'delete',
    path: '/org/workspace',
    summary: 'Remove the Workspace connection and disconnect its mailboxes (activities stay)',
    security: crm,
    responses: {
      200: json(z.object({ disconnected: z.number().int() }), 'removed'),
      ...errors(401, 403),
    },
  },
  {
    method: 'get',
    path: '/org/mailboxes',
    summary: 'Every connected mailbox of the org: owner, address, status, how connected, members',
    security: crm,
    responses: {
      200: json(z.object({ items: z.array(orgMailbox) }), 'the mailboxes'),
      ...errors(401, 403),
    },
  },
  {
    method: 'put',
    path: '/org/mailboxes/{id}/members',
    summary:
      'Share a mailbox (an admin, or its own user): members see its activities and may send from it',
    security: crm,
    request: {
      params: orgMailboxParams,
      body: { content: { 'application/json': { schema: membersBody } } },
    },
    responses: { 200: json(orgMailbox, 'the mailbox'), ...errors(400, 401, 403, 404) },
  },
  {
    method: 'post',
    path: '/org/erasures',
    summary:
      'Erase a person: everything held about the address in the org, every mailbox; a keyed hash blocks it for good',
    security: crm,
    request: { body: { content: { 'application/json': { schema: erasureBody } } } },
    responses: { 200: json(receipt, 'the receipt'), ...errors(400, 401, 403, 409) },
  },
  {
    method: 'get',
    path: '/org/erasures',
    summary: "The org's erasures, newest first: hash, time, requester and counts",
    security: crm,
    request: { query: erasuresQuery },
    responses: {
      200: json(
        z.object({
          items: z.array(receipt.extend({ requested_by: z.string(), created_at: z.string() })),
        }),
        'the erasures',
      ),
      ...errors(400, 401, 403),
    },
  },
];
