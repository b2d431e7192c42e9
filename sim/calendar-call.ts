// What every Calendar API call goes through: the bearer token, the scope, the calendar named
// (`primary` or the user's own address), faults and the Calendar quota, with Calendar's error
// bodies (https://developers.google.com/workspace/calendar/api/guides/errors).
import type { NextFunction, Request, Response } from 'express';
import type { CalendarQuota } from './calendar-quota.ts';
import type { CalendarStore, SimCalendar } from './calendar-store.ts';
import { type SimContext, userStats } from './context.ts';

/** Reading events, watching them and stopping a channel: any of Calendar's scopes will do. */
export const CALENDAR_READ_SCOPES = [
  'calendar',
  'calendar.readonly',
  'calendar.events',
  'calendar.events.readonly',
];

export class CalendarError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly domain: string;
  readonly location: string | undefined;
  constructor(code: number, message: string, reason: string, domain = 'global', location?: string) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.domain = domain;
    this.location = location;
  }

  static badRequest(message: string, location?: string) {
    return new CalendarError(400, message, 'invalid', 'global', location);
  }
  static timeRangeEmpty() {
    return new CalendarError(
      400,
      'The specified time range is empty.',
      'timeRangeEmpty',
      'calendar',
      'timeMax',
    );
  }
  static notFound(message = 'Not Found') {
    return new CalendarError(404, message, 'notFound');
  }
  /** The body Google sends for an expired or invalidated sync token. */
  static gone() {
    return new CalendarError(
      410,
      'Sync token is no longer valid, a full sync is required.',
      'fullSyncRequired',
      'calendar',
      'syncToken',
    );
  }
}

export function sendCalendarError(res: Response, e: CalendarError): void {
  res.status(e.code).json({
    error: {
      errors: [
        {
          domain: e.domain,
          reason: e.reason,
          message: e.message,
          ...(e.location ? { locationType: 'parameter', location: e.location } : {}),
        },
      ],
      code: e.code,
      message: e.message,
    },
  });
}

declare module 'express-serve-static-core' {
  interface Locals {
    calendar: SimCalendar;
    calendarUser: string;
  }
}

type Handler = (req: Request, res: Response) => void | Promise<void>;
export type CalendarCall = (
  method: string,
  handler: Handler,
) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

function grants(scope: string): boolean {
  const bare = scope.replace(/\/+$/, '');
  return CALENDAR_READ_SCOPES.some((n) => bare === n || bare.endsWith(`/auth/${n}`));
}

export function makeCalendarCall(
  ctx: SimContext,
  store: CalendarStore,
  quota: CalendarQuota,
): CalendarCall {
  return (method, handler) => async (req, res, next) => {
    try {
      ctx.stats.calls[method] = (ctx.stats.calls[method] ?? 0) + 1;
      const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
      const info = token ? ctx.lookupAccessToken(token) : undefined;
      if (!info) throw new CalendarError(401, 'Invalid Credentials', 'authError');
      const user = userStats(ctx.stats, info.email);
      user.calls[method] = (user.calls[method] ?? 0) + 1;
      if (!info.scopes.some(grants))
        throw new CalendarError(
          403,
          'Request had insufficient authentication scopes.',
          'insufficientPermissions',
        );
      const calendarId =
        req.params.calendarId === undefined ? undefined : String(req.params.calendarId);
      if (
        calendarId !== undefined &&
        calendarId !== 'primary' &&
        calendarId.toLowerCase() !== info.email
      )
        throw CalendarError.notFound();
      const faults = ctx.faults.calendar ?? {};
      if (faults.latency_ms) await new Promise((r) => setTimeout(r, faults.latency_ms));
      if (faults.error_rate && ctx.random() < faults.error_rate) {
        const codes = faults.error_codes?.length ? faults.error_codes : [500];
        const code = codes[Math.floor(ctx.random() * codes.length)] ?? 500;
        throw code === 503
          ? new CalendarError(503, 'The service is currently unavailable.', 'backendError')
          : new CalendarError(code, 'Backend Error', 'backendError');
      }
      const verdict = quota.charge(info.email);
      if (!verdict.ok) {
        for (const counts of [ctx.stats, user]) {
          counts.rate_limited += 1;
          counts.refused[method] = (counts.refused[method] ?? 0) + 1;
        }
        throw new CalendarError(verdict.status, verdict.message, verdict.reason, 'usageLimits');
      }
      res.locals.calendarUser = info.email;
      res.locals.calendar = store.calendar(info.email);
      await handler(req, res);
    } catch (error) {
      if (error instanceof CalendarError) sendCalendarError(res, error);
      else next(error);
    }
  };
}
