// Who a meeting involves, and whether it may be logged at all, by the rules mail follows
// (sync/mail-filter.ts): the owner (every address of the mailbox) does not count, rooms and other
// resources are no one, a blocked domain or address keeps the meeting out, and a meeting with
// only the org's own people is internal (logged only with `log_internal`).

import { domainOf, ownDomains } from '../crm/mail-filter.ts';
import type { MailboxSettings } from '../db/schema.ts';
import type { CalendarEvent } from './calendar-client.ts';

export type MeetingSkip = 'no_counterpart' | 'blocked' | 'internal';

/** The organizer and attendees other than the owner and resources, lower-cased, organizer first. */
export function meetingCounterparts(event: CalendarEvent, owners: readonly string[]): string[] {
  const mine = new Set(owners.map((a) => a.toLowerCase()));
  const people = [
    event.organizer?.email,
    ...(event.attendees ?? []).filter((a) => !a.resource).map((a) => a.email),
  ];
  const out: string[] = [];
  for (const raw of people) {
    const email = raw?.trim().toLowerCase();
    if (!email?.includes('@') || mine.has(email) || out.includes(email)) continue;
    // Google's group calendars and resources have addresses under calendar.google.com: no one.
    if (domainOf(email).endsWith('calendar.google.com')) continue;
    out.push(email);
  }
  return out;
}

export function meetingSkip(
  others: string[],
  owners: readonly string[],
  settings: MailboxSettings,
): MeetingSkip | null {
  if (others.length === 0) return 'no_counterpart';
  const blockedDomains = settings.blocked_domains.map((d) => d.toLowerCase());
  const blockedAddresses = settings.blocked_addresses.map((a) => a.toLowerCase());
  if (others.some((a) => blockedAddresses.includes(a) || blockedDomains.includes(domainOf(a))))
    return 'blocked';
  const own = ownDomains(owners);
  if (!settings.log_internal && others.every((a) => own.has(domainOf(a)))) return 'internal';
  return null;
}
