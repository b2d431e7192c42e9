// The simulator's Google Calendar (https://developers.google.com/workspace/calendar/api/v3/reference):
// one primary calendar per simulated user, events kept once and held by every calendar they are
// on (the organizer's and each attendee's that the simulator knows), each calendar with its own
// change counter for sync tokens (calendar-sync-token.ts) and its own notification channels.
// A change to an event bumps the counter of every calendar holding it and notifies their channels.
import { randomBytes } from 'node:crypto';

export interface EventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface SimAttendee {
  email: string;
  responseStatus: 'needsAction' | 'declined' | 'tentative' | 'accepted';
  displayName?: string;
  organizer?: boolean;
  resource?: boolean;
}

/** Fields an event, or one occurrence of a recurring event, may carry. */
export interface EventFields {
  summary: string;
  description: string;
  location: string;
  start: EventTime;
  end: EventTime;
  attendees: SimAttendee[];
  status: 'confirmed' | 'tentative' | 'cancelled';
  visibility: 'default' | 'public' | 'private' | 'confidential';
  hangoutLink?: string | undefined;
}

/** One occurrence changed or cancelled on its own (Google's "exception"). */
export interface Override {
  fields: Partial<EventFields>;
  updated: number;
}

export interface SimEvent extends EventFields {
  id: string;
  iCalUID: string;
  organizer: { email: string; displayName?: string };
  recurrence?: string[] | undefined;
  created: number;
  updated: number;
  sequence: number;
  /** By instance id (`<id>_<original start>`). */
  overrides: Map<string, Override>;
}

/** What a calendar holds of an event: when it last changed there, and whether it left it. */
export interface Holding {
  seq: number;
  /** The calendar's owner was taken off the attendees: the event is gone from this calendar. */
  removed: boolean;
  /** Per occurrence: the change counter when that occurrence alone last changed. */
  instanceSeq: Map<string, number>;
}

export interface SimChannel {
  id: string;
  resourceId: string;
  resourceUri: string;
  token: string | undefined;
  address: string;
  expiration: number;
  /** After stop, notifications already under way still arrive for a while (see calendar-channels.ts). */
  stoppedAt: number | undefined;
  messageNumber: number;
}

export interface SimCalendar {
  email: string;
  /** Every change to an event this calendar holds increments it; sync tokens carry it. */
  seq: number;
  held: Map<string, Holding>;
  /** Bumped by an ACL change: every sync token issued before answers 410. */
  aclVersion: number;
  /** Bumped by the control API's expire-sync-tokens: every token issued before answers 410. */
  tokenGeneration: number;
  /** Stable per calendar, as Google's X-Goog-Resource-ID is per watched resource. */
  resourceId: string;
  channels: Map<string, SimChannel>;
}

export type CalendarChange = (calendar: SimCalendar) => void;

export class CalendarStore {
  readonly calendars = new Map<string, SimCalendar>();
  readonly events = new Map<string, SimEvent>();
  /** Whether the simulator knows this user (a mailbox): only known users get a copy of an event. */
  knows: (email: string) => boolean = () => false;
  /** Called after each change, once per calendar it touched (channels notify from here). */
  onChange: CalendarChange = () => {};

  calendar(email: string): SimCalendar {
    const key = email.toLowerCase();
    let calendar = this.calendars.get(key);
    if (!calendar) {
      calendar = {
        email: key,
        seq: 1,
        held: new Map(),
        aclVersion: 1,
        tokenGeneration: 1,
        resourceId: randomBytes(20).toString('base64url'),
        channels: new Map(),
      };
      this.calendars.set(key, calendar);
    }
    return calendar;
  }

  create(owner: string, fields: EventFields, extra: { organizer?: string; recurrence?: string[] }) {
    const now = Date.now();
    // Event ids are base32hex characters (a-v, 0-9), 5 to 1024 long, as Google's reference says.
    const id = BigInt(`0x${randomBytes(13).toString('hex')}`).toString(32);
    const organizer = (extra.organizer ?? owner).toLowerCase();
    const event: SimEvent = {
      ...fields,
      id,
      iCalUID: `${id}@google.com`,
      organizer: { email: organizer },
      recurrence: extra.recurrence,
      created: now,
      updated: now,
      sequence: 0,
      overrides: new Map(),
    };
    this.events.set(id, event);
    this.touch(event, [owner.toLowerCase()]);
    return event;
  }

  /** Applies a change to the whole event (or series) and records it on every calendar holding it. */
  update(event: SimEvent, fields: Partial<EventFields>): void {
    const before = new Set(this.peopleOf(event));
    Object.assign(event, stripUndefined(fields));
    event.updated = Date.now();
    event.sequence += 1;
    const after = new Set(this.peopleOf(event));
    // Taken off the invitation: the event leaves that calendar (its sync sees it cancelled).
    for (const email of before) {
      const holding = this.calendars.get(email)?.held.get(event.id);
      if (!after.has(email) && holding) holding.removed = true;
    }
    this.touch(event, []);
  }

  /** Changes or cancels one occurrence of a recurring event. */
  updateInstance(event: SimEvent, instanceId: string, fields: Partial<EventFields>): void {
    const now = Date.now();
    const previous = event.overrides.get(instanceId)?.fields ?? {};
    event.overrides.set(instanceId, {
      fields: { ...previous, ...stripUndefined(fields) },
      updated: now,
    });
    for (const calendar of this.holders(event)) {
      calendar.seq += 1;
      calendar.held.get(event.id)?.instanceSeq.set(instanceId, calendar.seq);
      this.onChange(calendar);
    }
  }

  holders(event: SimEvent): SimCalendar[] {
    return [...this.calendars.values()].filter((c) => c.held.has(event.id));
  }

  /** Bumps the counter of every calendar that holds (or now gets) the event, and notifies. */
  private touch(event: SimEvent, extra: string[]): void {
    const people = new Set([...this.peopleOf(event), ...extra]);
    for (const email of people) {
      if (!extra.includes(email) && !this.knows(email)) continue;
      const calendar = this.calendar(email);
      calendar.seq += 1;
      const holding = calendar.held.get(event.id);
      if (holding) Object.assign(holding, { seq: calendar.seq, removed: false });
      else
        calendar.held.set(event.id, { seq: calendar.seq, removed: false, instanceSeq: new Map() });
    }
    for (const calendar of this.holders(event)) {
      if (!people.has(calendar.email)) {
        calendar.seq += 1;
        const holding = calendar.held.get(event.id);
        if (holding) holding.seq = calendar.seq;
      }
      this.onChange(calendar);
    }
  }

  private peopleOf(event: SimEvent): string[] {
    return [event.organizer.email, ...event.attendees.map((a) => a.email.toLowerCase())];
  }
}

function stripUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
