// Gmail's quotas as Google documents them (https://developers.google.com/gmail/api/reference/quota):
// per-method costs in two profiles; a per-user limit per minute; per-project per-minute and per-day
// limits; the daily sending limit. The per-user limit is accounted in one of two ways
// (`quota_window`): "second", a token bucket refilled at the per-minute limit / 60 holding one
// second's worth; or "minute", Google's own per-minute accounting: fixed windows on the wall
// clock's minutes, so a minute's units may be spent at once and the next call is refused until the
// window moves (`quota_window_s` shortens that minute for tests). Fixed and synchronised, not sliding, because that is how Google says it enforces
// per-minute rate quotas: "if a project reaches a quota limit at 10:00:15, the quota refills at
// the start of the next synchronized interval, such as 10:01:00"
// (https://cloud.google.com/compute/api-quota). Refusals take Gmail's three forms (`quota_error`),
// with the bodies Gmail sends and, as Gmail, no Retry-After header. With `quota_retry_after_s` a
// refusal is a penalty: it names a time that far ahead and the user's calls are refused until then,
// as Gmail does after heavy use ("Retry after" ~15 minutes out: twentyhq/twenty#17850; hours:
// rowboatlabs/rowboat#926).
import type { Faults } from './context.ts';

const COSTS_2025: Record<string, number> = {
  'messages.get': 5,
  'messages.attachments.get': 5,
  'threads.get': 10,
  'messages.list': 5,
  'history.list': 2,
  getProfile: 1,
  'messages.insert': 25,
  'messages.import': 25,
  'messages.send': 100,
  watch: 100,
  stop: 50,
  'labels.list': 1,
  'messages.modify': 5,
  'messages.delete': 10,
  'messages.trash': 5,
};
const COSTS_2026: Record<string, number> = {
  ...COSTS_2025,
  'messages.get': 20,
  'messages.attachments.get': 20,
  'threads.get': 40,
};
const USER_PER_MINUTE = { '2026': 6_000, '2025': 15_000 } as const;
const PROJECT_PER_MINUTE = 1_200_000;
const PROJECT_PER_DAY = 80_000_000;
/** Google Workspace: 2,000 messages a user in a rolling 24 hours (support.google.com/a/answer/166852). */
const DAY_MS = 86_400_000;

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string }[];
    status: string;
    details?: unknown[];
  };
}

export type QuotaVerdict = { ok: true } | { ok: false; status: number; body: GoogleErrorBody };

type Form = '429' | '403' | 'exhausted';

export class Quota {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private minutes = new Map<string, { window: number; used: number }>();
  /** Users refused until this time (epoch ms), while `quota_retry_after_s` is set. */
  private penalties = new Map<string, number>();
  private projectMinute = { start: 0, used: 0 };
  private projectDay = { start: 0, used: 0 };
  private readonly faults: () => Faults;
  private readonly random: () => number;
  /** Named in the 403 form's message, as Google names the consumer project. */
  private readonly projectNumber: string;

  constructor(faults: () => Faults, random: () => number = Math.random, projectNumber = '1') {
    this.faults = faults;
    this.random = random;
    this.projectNumber = projectNumber;
  }

  cost(method: string): number {
    const table = this.profile() === '2026' ? COSTS_2026 : COSTS_2025;
    return table[method] ?? 1;
  }

  /** Charges one call to the user's and the project's quota, or says how Gmail refuses it. */
  charge(user: string, method: string, now = performance.now()): QuotaVerdict {
    const cost = this.cost(method);
    const wall = Date.now();
    const penalty = this.penaltyUntil(user, wall);
    if (penalty !== undefined) return this.refusal(penalty);
    const retryAt =
      this.faults().quota_window === 'minute'
        ? this.minuteRetryAt(user, cost, wall)
        : this.secondRetryAt(user, cost, now, wall);
    if (retryAt !== undefined) return this.refusal(this.penalise(user, retryAt, wall));
    if (wall - this.projectMinute.start >= 60_000) this.projectMinute = { start: wall, used: 0 };
    if (wall - this.projectDay.start >= DAY_MS) this.projectDay = { start: wall, used: 0 };
    if (this.projectMinute.used + cost > PROJECT_PER_MINUTE)
      return this.refusal(this.projectMinute.start + 60_000);
    if (this.projectDay.used + cost > PROJECT_PER_DAY)
      return this.refusal(this.projectDay.start + DAY_MS);
    this.spend(user, cost);
    this.projectMinute.used += cost;
    this.projectDay.used += cost;
    return { ok: true };
  }

  reset(): void {
    this.buckets.clear();
    this.minutes.clear();
  }

  /** Penalties outlive a new rate (they are Gmail's verdict, not the bucket's): cleared apart. */
  clearPenalties(): void {
    this.penalties.clear();
  }

  /** The end of the user's penalty, while one runs and `quota_retry_after_s` is set. */
  private penaltyUntil(user: string, wall: number): number | undefined {
    if (!(this.faults().quota_retry_after_s ?? 0)) return undefined;
    const until = this.penalties.get(user);
    return until !== undefined && until > wall ? until : undefined;
  }

  /** A refusal's retry time: the bucket's own, or a penalty `quota_retry_after_s` long. */
  private penalise(user: string, retryAt: number, wall: number): number {
    const seconds = this.faults().quota_retry_after_s ?? 0;
    if (!seconds) return retryAt;
    const until = wall + seconds * 1000;
    this.penalties.set(user, until);
    return until;
  }

  private userRate(): number {
    return this.faults().quota_units_per_sec ?? USER_PER_MINUTE[this.profile()] / 60;
  }

  /** Token bucket of one second's worth: undefined when affordable, else when it will be. */
  private secondRetryAt(user: string, cost: number, now: number, wall: number) {
    const rate = this.userRate();
    const bucket = this.buckets.get(user) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(user, bucket);
    // A call dearer than the whole bucket still passes when the bucket is full.
    const need = Math.min(cost, rate);
    if (bucket.tokens >= need) return undefined;
    return wall + Math.ceil(((need - bucket.tokens) / rate) * 1000);
  }

  /** Fixed per-minute window on the wall clock: refused until the next minute starts. */
  private minuteRetryAt(user: string, cost: number, wall: number) {
    const seconds = this.faults().quota_window_s || 60;
    const window = Math.floor(wall / (seconds * 1000));
    const used = this.minutes.get(user);
    if (!used || used.window !== window) this.minutes.set(user, { window, used: 0 });
    const spent = this.minutes.get(user)?.used ?? 0;
    const limit = this.userRate() * seconds;
    if (spent + cost <= limit || spent === 0) return undefined;
    return (window + 1) * seconds * 1000;
  }

  /** Called right after the check that created the user's bucket or window. */
  private spend(user: string, cost: number): void {
    const minute = this.minutes.get(user);
    const bucket = this.buckets.get(user);
    if (this.faults().quota_window === 'minute') {
      if (minute) minute.used += cost;
    } else if (bucket) bucket.tokens -= cost;
  }

  private refusal(retryAt: number): QuotaVerdict {
    const form = this.form();
    if (form === '403') {
      const message = `Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'gmail.googleapis.com' for consumer 'project_number:${this.projectNumber}'.`;
      const refused = body(403, message, 'usageLimits', 'PERMISSION_DENIED');
      refused.error.details = [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'RATE_LIMIT_EXCEEDED',
          domain: 'googleapis.com',
          metadata: {
            service: 'gmail.googleapis.com',
            quota_metric: 'gmail.googleapis.com/default',
            quota_limit: 'QueriesPerMinutePerUser',
            consumer: `projects/${this.projectNumber}`,
          },
        },
      ];
      return { ok: false, status: 403, body: refused };
    }
    if (form === 'exhausted') {
      const message = 'Resource has been exhausted (e.g. check quota).';
      return { ok: false, status: 429, body: body(429, message, 'global', 'RESOURCE_EXHAUSTED') };
    }
    const message = `User-rate limit exceeded.  Retry after ${new Date(retryAt).toISOString()}`;
    return {
      ok: false,
      status: 429,
      body: body(429, message, 'usageLimits', 'RESOURCE_EXHAUSTED'),
    };
  }

  private form(): Form {
    const chosen = this.faults().quota_error ?? '429';
    if (chosen !== 'mixed') return chosen;
    const forms: Form[] = ['429', '403', 'exhausted'];
    return forms[Math.floor(this.random() * forms.length)] ?? '429';
  }

  private profile(): '2026' | '2025' {
    return this.faults().quota_profile ?? '2026';
  }
}

function body(code: number, message: string, domain: string, status: string): GoogleErrorBody {
  return {
    error: { code, message, errors: [{ message, domain, reason: 'rateLimitExceeded' }], status },
  };
}
