// Every event the CRM receives (the `events` outbox, delivered by deliver-events.ts): its type, a
// line on what it means, and its payload's schema (event-payloads.ts). Writers name a type through
// EVENT (record-events.ts types a payload by it); docs/api.md, the README and the OpenAPI
// document's webhooks are held to this table by test/events/event-types.test.ts.
import type { z } from 'zod';
import * as p from './event-payloads.ts';

export const EVENT_TYPES = {
  'activity.logged': { about: 'a mail logged as an activity', payload: p.activityPayload },
  'activity.linked': {
    about: 'an activity now also belongs to these CRM records',
    payload: p.activityLinkedPayload,
  },
  'activity.bounced': {
    about: 'a mail the CRM sent bounced (see message.bounced)',
    payload: p.activityBouncedPayload,
  },
  'activity.removed': { about: 'the mail was deleted in Gmail', payload: p.activityRemovedPayload },
  'activity.deleted': {
    about: 'its owner deleted the activity (a tombstone keeps it from coming back)',
    payload: p.activityDeletedPayload,
  },
  'activities.removed': {
    about: "a blocklist entry removed a mailbox's activities it covers",
    payload: p.activitiesRemovedPayload,
  },
  'contact.created': { about: 'a contact created from mail', payload: p.contactCreatedPayload },
  'person.erased': {
    about: "a person's data erased (never the address)",
    payload: p.personErasedPayload,
  },
  'mailbox.connected': { about: 'a mailbox connected', payload: p.mailboxConnectedPayload },
  'mailbox.disconnected': {
    about: 'a mailbox disconnected',
    payload: p.mailboxDisconnectedPayload,
  },
  'mailbox.revoked': {
    about: 'the grant was revoked: the user must reconnect',
    payload: p.mailboxLostPayload,
  },
  'mailbox.needs_admin': {
    about: 'the account is out of reach (Gmail disabled, a policy, suspended): resumes by itself',
    payload: p.mailboxLostPayload,
  },
  'mailbox.error': { about: 'syncs began failing', payload: p.mailboxErrorPayload },
  'mailbox.resynced': {
    about: 'history expired: a bounded full sync ran',
    payload: p.mailboxResyncedPayload,
  },
  'mailbox.gaps_repaired': {
    about: 'a reconciliation logged mail the sync had missed',
    payload: p.gapsRepairedPayload,
  },
  'mailbox.search_missed': {
    about: "the audit logged mail Gmail's search had let go",
    payload: p.searchMissedPayload,
  },
  'send.resolved': {
    about: 'a send answered `unknown` is now known: sent or not_sent',
    payload: p.sendResolvedPayload,
  },
  'thread.replied': { about: 'a reply to mail the CRM sent', payload: p.replyPayload },
  'message.auto_replied': {
    about: 'an automatic reply to mail the CRM sent',
    payload: p.replyPayload,
  },
  'message.bounced': {
    about: 'a delivery report for mail the CRM sent',
    payload: p.messageBouncedPayload,
  },
  'scheduled.sent': { about: 'a scheduled mail went', payload: p.scheduledSentPayload },
  'scheduled.failed': {
    about: 'a scheduled mail can never go',
    payload: p.scheduledFailedPayload,
  },
  'meeting.logged': { about: 'a meeting logged as an activity', payload: p.meetingPayload },
  'meeting.updated': { about: 'a logged meeting changed', payload: p.meetingPayload },
  'meeting.cancelled': { about: 'a logged meeting was cancelled', payload: p.meetingPayload },
  'calendar.resynced': {
    about: "the calendar's sync token was gone: the window was listed again",
    payload: p.calendarResyncedPayload,
  },
} as const;

export type EventType = keyof typeof EVENT_TYPES;

export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_TYPES)[T]['payload']>;

export const ALL_EVENT_TYPES = Object.keys(EVENT_TYPES) as EventType[];

/** The type's name as writers spell it: `EVENT.activityLogged` is `'activity.logged'`. */
type CamelName<S extends string> = S extends `${infer A}.${infer B}`
  ? `${A}${Capitalize<CamelName<B>>}`
  : S extends `${infer A}_${infer B}`
    ? `${A}${Capitalize<CamelName<B>>}`
    : S;

function camelName(type: string): string {
  return type.replace(/[._]([a-z])/g, (_, c: string) => c.toUpperCase());
}

export const EVENT = Object.fromEntries(ALL_EVENT_TYPES.map((t) => [camelName(t), t])) as {
  [T in EventType as CamelName<T>]: T;
};
