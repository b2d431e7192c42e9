// Which meetings are logged: occurrences that start from SYNC_RETRO_DAYS back to 90 days ahead.
// The same window at connect, after a lost sync token, and for a CRM record added later; it
// moves with time: occurrences that come within 90 days are read as they do (calendar-sync.ts).
export const DAYS_AHEAD = 90;
const DAY_MS = 86_400_000;

export interface MeetingWindow {
  start: Date;
  end: Date;
}

export function meetingWindow(retroDays: number, now = Date.now()): MeetingWindow {
  return { start: new Date(now - retroDays * DAY_MS), end: new Date(now + DAYS_AHEAD * DAY_MS) };
}

export function inWindow(window: MeetingWindow, start: Date): boolean {
  return start >= window.start && start <= window.end;
}

/** The horizon is moved once it is more than a day behind the window's end. */
export function horizonDue(horizonAt: Date | null, window: MeetingWindow): boolean {
  return horizonAt === null || horizonAt.getTime() < window.end.getTime() - DAY_MS;
}
