// The shapes the API answers with, as zod schemas, for the OpenAPI document (openapi.ts): the
// error body, a mailbox's status, an activity and its detail, the org's settings.
import { z } from 'zod';
import { ENTITY_TYPES } from '../crm/link-entities.ts';
import { orgSettingsBody } from './org-routes.ts';

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
export const statusView = z.object({
  connected: z.boolean(),
  email: z.string().nullable(),
  status: z.enum(['active', 'syncing', 'error', 'needs_admin', 'revoked', 'disconnected']),
  connected_at: z.string().nullable(),
  last_sync_at: z.string().nullable(),
  last_push_at: z.string().nullable(),
  watch_expires_at: z.string().nullable(),
  lag_seconds: z.number().nullable(),
  last_error: z.string().nullable(),
  /** Gmail refused the mailbox for rate until then: its work waits for it (null when not). */
  throttled_until: z.string().nullable(),
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
  /** Whether the poll trusts the mailbox's pushes (then it checks it hourly with one getProfile
   * instead of a history sync every poll), its last check, and the last push a check found missed. */
  push: z
    .object({
      healthy: z.boolean(),
      checked_at: z.string().nullable(),
      missed_push_at: z.string().nullable(),
    })
    .nullable(),
  /** Meetings (src/calendar/): whether they are logged, and when not, why and where to fix it. */
  calendar: z.object({
    connected: z.boolean(),
    last_sync_at: z.string().nullable(),
    channel_expires_at: z.string().nullable(),
    last_error: z.string().nullable(),
    reconnect_url: z.string().nullable(),
  }),
});
export const link = z.object({ entity_type: z.enum(ENTITY_TYPES), entity_id: z.uuid() });
/** A meeting's own fields (src/calendar/, CONTRACT.md "Meetings"). */
export const meetingView = z.object({
  event_id: z
    .string()
    .describe("Google's event id (an occurrence's: `<series id>_<original start>`)"),
  calendar_id: z.string(),
  title: z.string().describe('empty for a private event or metadata visibility'),
  start: z.string().describe('RFC 3339, or a date for an all-day meeting'),
  end: z.string(),
  all_day: z.boolean(),
  location: z.string().nullable(),
  conference_url: z.string().nullable(),
  organizer: z.string().nullable(),
  attendees: z.array(z.object({ email: z.string(), response_status: z.string() })),
  status: z.enum(['confirmed', 'tentative', 'cancelled']),
  recurring_event_id: z.string().nullable(),
});
export const activity = z.object({
  id: z.uuid(),
  type: z.enum(['email', 'meeting']),
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
    body: z
      .string()
      .optional()
      .describe('the text body, at most 256 KiB: in a list only with include=body'),
    body_truncated: z.boolean().optional(),
    body_new: z.string().optional().describe('in a list only with include=body'),
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
  meeting: meetingView.optional().describe('meetings only; their time is `created_at` too'),
});
export const activityDetail = activity.extend({
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
export const orgSettingsView = orgSettingsBody.required();
