// A calendar event (one occurrence, with singleEvents) shaped as the CRM's activity of type
// `meeting`: keyed `calendar:<event or instance id>` in the activity's Gmail-id column (so the
// unique key per mailbox, the tombstones and the replay guard apply unchanged), its thread the
// series, its time the meeting's start. What it keeps follows the mailbox's visibility as mail does
// (full: title, description, place and link; subject: the title; metadata: people and time only),
// a private or confidential event keeps metadata only, and so does one the sensitive-mail rules
// match while the org's guard is on.
import type { ContentPolicy } from '../activity-store/activity-content.ts';
import type { ActivityDraft } from '../activity-store/activity-row.ts';
import type { EntityLink } from '../crm/link-entities.ts';
import type { ActivityContent, MeetingContent, Visibility } from '../db/schema.ts';
import { classifySensitiveMail } from '../mail/sensitive-mail.ts';
import type { CalendarEvent } from './calendar-client.ts';

export const MEETING_KEY_PREFIX = 'calendar:';
export const meetingKey = (eventId: string) => `${MEETING_KEY_PREFIX}${eventId}`;

export interface MeetingOwner {
  orgId: string;
  mailboxId: string;
  userId: string;
  calendarId: string;
  owners: readonly string[];
  policy: ContentPolicy;
}

/** The occurrence's start as a Date (an all-day date at UTC midnight), or null when it has none. */
export function meetingStart(event: CalendarEvent): Date | null {
  const raw = event.start?.dateTime ?? (event.start?.date ? `${event.start.date}T00:00:00Z` : null);
  const at = raw ? new Date(raw) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
}

export function meetingDraft(
  event: CalendarEvent,
  owner: MeetingOwner,
  links: EntityLink[],
): ActivityDraft {
  const id = event.id ?? '';
  const start = meetingStart(event) ?? new Date(0);
  const level = keptLevel(event, owner.policy);
  const summary = (event.summary ?? '').trim();
  const organizer = event.organizer?.email?.toLowerCase() ?? null;
  const meeting: MeetingContent = {
    event_id: id,
    calendar_id: owner.calendarId,
    title: level.visibility === 'metadata' ? '' : summary,
    start: event.start?.dateTime ?? event.start?.date ?? '',
    end: event.end?.dateTime ?? event.end?.date ?? '',
    all_day: event.start?.date !== undefined && event.start?.date !== null,
    location: level.visibility === 'full' ? (event.location ?? null) : null,
    conference_url: level.visibility === 'full' ? conferenceUrl(event) : null,
    organizer,
    attendees: (event.attendees ?? [])
      .filter((a) => a.email && !a.resource)
      .map((a) => ({
        email: (a.email ?? '').toLowerCase(),
        response_status: a.responseStatus ?? 'needsAction',
      })),
    status:
      event.status === 'tentative'
        ? 'tentative'
        : event.status === 'cancelled'
          ? 'cancelled'
          : 'confirmed',
    recurring_event_id: event.recurringEventId ?? null,
  };
  const body = level.visibility === 'full' ? (event.description ?? '') : '';
  const content: ActivityContent = {
    gmail_message_id: meetingKey(id),
    thread_id: meetingKey(event.recurringEventId ?? id),
    from: organizer,
    to: meeting.attendees.map((a) => a.email).filter((a) => a !== organizer),
    cc: [],
    body,
    visibility: level.visibility,
    sensitive_rule: level.sensitiveRule,
    meeting,
  };
  const primary = links[0];
  const sent = organizer !== null && owner.owners.includes(organizer);
  return {
    orgId: owner.orgId,
    mailboxId: owner.mailboxId,
    type: 'meeting',
    gmailMessageId: meetingKey(id),
    threadId: content.thread_id,
    entityType: primary?.entityType ?? 'contact',
    entityId: primary?.entityId ?? '00000000-0000-0000-0000-000000000000',
    title: level.visibility === 'metadata' ? 'Meeting' : `Meeting: ${summary || '(No title)'}`,
    description: [...body].slice(0, 500).join(''),
    emailSubject: meeting.title,
    emailDirection: sent ? 'sent' : 'received',
    content,
    createdAt: start,
    createdBy: owner.userId,
    createdByName: 'Calendar Sync',
    links,
  };
}

function keptLevel(
  event: CalendarEvent,
  policy: ContentPolicy,
): { visibility: Visibility; sensitiveRule: string | null } {
  // "private": only attendees see the details; "confidential" is the older name for it.
  if (event.visibility === 'private' || event.visibility === 'confidential')
    return { visibility: 'metadata', sensitiveRule: null };
  if (policy.sensitiveGuard === 'on') {
    const verdict = classifySensitiveMail({
      subject: event.summary ?? '',
      from: event.organizer?.email ?? '',
      text: event.description ?? '',
      headers: {},
    });
    if (verdict.sensitive) return { visibility: 'metadata', sensitiveRule: verdict.rule ?? null };
  }
  return { visibility: policy.visibility, sensitiveRule: null };
}

/** Meet's link, or the first video entry point another conferencing add-on put on the event. */
function conferenceUrl(event: CalendarEvent): string | null {
  const video = event.conferenceData?.entryPoints?.find((p) => p.entryPointType === 'video');
  return event.hangoutLink ?? video?.uri ?? null;
}
