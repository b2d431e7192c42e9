// The Calendar API client for a mailbox's grant, and every call through the mailbox's Calendar
// pacer and the one retry policy (google/retry-policy.ts): rate refusals and 5xx are retried, a
// 410 (sync token gone) or 403 without the scope is the caller's to handle.
// @googleapis/calendar is the Calendar part of googleapis alone, as @googleapis/gmail is for Gmail.
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import type { OAuth2Client } from 'google-auth-library';
import { type GoogleConfig, googleEndpoints } from '../google/clients.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import { withRetries } from '../google/retry-policy.ts';
import type { CalendarPacer } from './calendar-pacer.ts';

export type Calendar = calendar_v3.Calendar;
export type CalendarEvent = calendar_v3.Schema$Event;

export function makeCalendar(google: GoogleConfig, auth: OAuth2Client): Calendar {
  // Retries are ours, paced by quota: the client's own retry stays off.
  const rootUrl = googleEndpoints(google.emulatorHost).calendarRoot;
  return calendar({ version: 'v3', auth, rootUrl, retry: false, fetchImplementation: fetch });
}

export function callCalendar<T>(pacer: CalendarPacer, call: () => Promise<T>): Promise<T> {
  return withRetries(() => pacer.run(call));
}

/**
 * 410: the sync token is no longer valid ("fullSyncRequired"; Google also answers 410 for
 * `updatedMinTooLongAgo`): https://developers.google.com/workspace/calendar/api/guides/sync.
 */
export function isSyncTokenGone(error: unknown): boolean {
  const failure = classifyGoogleError(error);
  return failure.kind === 'fatal' && failure.status === 410;
}

/** 403 without a Calendar scope: the user unticked it, or took it back in their Google account. */
export function isScopeMissing(error: unknown): boolean {
  const failure = classifyGoogleError(error);
  return (
    failure.kind === 'fatal' &&
    failure.status === 403 &&
    failure.reason === 'insufficientPermissions'
  );
}
