// The Calendar API's quota as Google documents it (https://developers.google.com/workspace/calendar/api/guides/quota):
// requests, not units, counted per minute per user per project (600) and per project (10,000),
// "calculated per minute using a sliding window", so a burst that spends a minute's requests at
// once is refused until the window has slid past it. A refusal is 403 or 429 in the `usageLimits`
// domain (https://developers.google.com/workspace/calendar/api/guides/errors): 403
// `userRateLimitExceeded` for one user's limit (the default here), 403 or 429 `rateLimitExceeded`,
// chosen by `calendar.quota_error`; none names a retry time or carries a Retry-After header.
import type { Faults } from './context.ts';

const USER_PER_MINUTE = 600;
const PROJECT_PER_MINUTE = 10_000;
const WINDOW_MS = 60_000;

export type CalendarQuotaForm = '403' | '403_rate' | '429' | 'mixed';

export type CalendarVerdict =
  | { ok: true }
  | { ok: false; status: number; reason: string; message: string };

export class CalendarQuota {
  private readonly users = new Map<string, number[]>();
  private project: number[] = [];
  private readonly faults: () => Faults;
  private readonly random: () => number;

  constructor(faults: () => Faults, random: () => number) {
    this.faults = faults;
    this.random = random;
  }

  /** Counts one request of `user`, or says how Google refuses it. */
  charge(user: string, now = Date.now()): CalendarVerdict {
    const limit = this.faults().calendar?.quota_per_minute ?? USER_PER_MINUTE;
    const recent = (this.users.get(user) ?? []).filter((t) => t > now - WINDOW_MS);
    this.project = this.project.filter((t) => t > now - WINDOW_MS);
    this.users.set(user, recent);
    if (recent.length >= limit || this.project.length >= PROJECT_PER_MINUTE) return this.refusal();
    recent.push(now);
    this.project.push(now);
    return { ok: true };
  }

  reset(): void {
    this.users.clear();
    this.project = [];
  }

  private refusal(): CalendarVerdict {
    const chosen = this.faults().calendar?.quota_error ?? '403';
    const forms = ['403', '403_rate', '429'] as const;
    const form =
      chosen === 'mixed' ? (forms[Math.floor(this.random() * forms.length)] ?? '403') : chosen;
    if (form === '403')
      return {
        ok: false,
        status: 403,
        reason: 'userRateLimitExceeded',
        message: 'User Rate Limit Exceeded',
      };
    return {
      ok: false,
      status: form === '429' ? 429 : 403,
      reason: 'rateLimitExceeded',
      message: 'Rate Limit Exceeded',
    };
  }
}
