// The payload of each event the CRM receives (event-types.ts names them): zod schemas, the same
// ones the OpenAPI document's webhooks show and the tests check delivered events against. Fields
// a payload always carries are required; none names mail content.
import { z } from 'zod';

const id = z.string().min(1);
const time = z.string().min(1);
const entityType = z.enum(['contact', 'lead', 'deal', 'company']);
const links = z.array(z.object({ entity_type: entityType, entity_id: id }));

/** An activity as the CRM sees it: logged, revised, or a meeting. */
export const activityPayload = z.object({
  activity_id: id,
  mailbox_id: id,
  gmail_message_id: id,
  thread_id: z.string().nullable(),
  email_direction: z.enum(['sent', 'received']).optional(),
  entity_type: entityType.nullable().optional(),
  entity_id: id.nullable().optional(),
  links,
});

/** A meeting's activity, with what the CRM shows of the meeting (see docs/meetings.md). */
export const meetingPayload = activityPayload.extend({
  meeting: z.record(z.string(), z.unknown()).optional(),
});

export const activityLinkedPayload = z.object({ activity_id: id, mailbox_id: id, links });

export const activityBouncedPayload = z.object({
  activity_id: id,
  mailbox_id: id,
  gmail_message_id: id,
  thread_id: z.string().nullable(),
  entity_type: entityType.nullable(),
  entity_id: id.nullable(),
});

export const activityRemovedPayload = z.object({
  activity_id: id,
  mailbox_id: id,
  gmail_message_id: id,
  reason: z.literal('gmail_deleted'),
});

export const activityDeletedPayload = z.object({ activity_id: id });

export const activitiesRemovedPayload = z.object({
  mailbox_id: id,
  reason: z.literal('blocked'),
  count: z.number().int(),
  blocked_addresses: z.array(z.string()),
  blocked_domains: z.array(z.string()),
});

export const contactCreatedPayload = z.object({
  contact_id: id,
  email: z.string(),
  name: z.string().nullable(),
  source: z.string(),
  mailbox_id: id,
});

export const personErasedPayload = z.object({
  erasure_id: id,
  email_hash: z.string(),
  removed: z.record(z.string(), z.number()),
});

/** Why a Workspace's mailbox was disconnected (workspace/). */
const workspaceReason = z.enum(['suspended', 'deleted', 'out_of_scope', 'workspace_removed']);

export const mailboxConnectedPayload = z.object({
  mailbox_id: id,
  email: z.string(),
  user_id: z.string().nullable(),
  connected_via: z.literal('workspace').optional(),
});

export const mailboxDisconnectedPayload = mailboxConnectedPayload.extend({
  reason: workspaceReason.optional(),
});

/** Revoked or out of reach: the reason Google gave, when it did. */
export const mailboxLostPayload = z.object({
  mailbox_id: id,
  email: z.string(),
  user_id: z.string().nullable(),
  reason: z.string(),
});

export const mailboxErrorPayload = z.object({
  mailbox_id: id,
  email: z.string(),
  reason: z.string(),
});

export const mailboxResyncedPayload = z.object({
  mailbox_id: id,
  reason: z.literal('history_expired'),
  since: time,
  logged: z.number().int(),
});

export const gapsRepairedPayload = z.object({
  mailbox_id: id,
  gmail_message_ids: z.array(id),
  window_start: time,
});

export const searchMissedPayload = z.object({
  mailbox_id: id,
  checked_at: time,
  sampled: z.number().int(),
  missed: z.number().int(),
  miss_rate: z.number().nullable(),
  widened: z.number().int(),
  widened_missed: z.number().int(),
  same_shape: z.number().int(),
  followed: z.number().int(),
  gmail_message_ids: z.array(id),
  shapes: z.record(z.string(), z.number()),
  domains: z.array(z.string()),
  lists: z.array(z.string()),
  entities: z.array(z.object({ entity_type: entityType, entity_id: id })),
});

export const sendResolvedPayload = z.object({
  mailbox_id: id,
  message_id_header: z.string(),
  status: z.enum(['sent', 'not_sent']),
  message_id: z.string().nullable(),
  thread_id: z.string().nullable(),
  activity_id: id.nullable(),
});

/** A reply (or an auto-reply) to mail the CRM sent, in the activity that logs it. */
export const replyPayload = z.object({
  activity_id: id,
  replied_to_activity_id: id,
  thread_id: z.string(),
  from: z.string(),
});

export const messageBouncedPayload = z.object({
  activity_id: id.nullable(),
  recipient: z.string(),
  kind: z.enum(['hard', 'soft']),
  diagnostic: z.string().nullable(),
});

export const scheduledSentPayload = z.object({
  scheduled_id: id,
  message_id: z.string(),
  thread_id: z.string(),
  activity_id: id.nullable(),
  send_at: time,
  sent_at: time,
});

export const scheduledFailedPayload = z.object({
  scheduled_id: id,
  reason: z.enum([
    'mailbox_revoked',
    'mailbox_disconnected',
    'suppressed',
    'gmail_rejected',
    'unreadable',
  ]),
  message: z.string(),
  addresses: z.array(z.string()),
});

export const calendarResyncedPayload = z.object({
  mailbox_id: id,
  reason: z.literal('sync_token_gone'),
  since: time,
  logged: z.number().int(),
  cancelled: z.number().int(),
});
