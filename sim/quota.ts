// Gmail's quotas as Google documents them (https://developers.google.com/gmail/api/reference/quota):
// per-method costs in two profiles; a per-user token bucket refilled at the per-minute limit / 60
// holding one second's worth; per-project per-minute and per-day limits.
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

export type QuotaVerdict =
  | { ok: true }
  | { ok: false; reason: 'userRateLimitExceeded' | 'rateLimitExceeded' };

export class Quota {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private projectMinute = { start: 0, used: 0 };
  private projectDay = { start: 0, used: 0 };

  private readonly faults: () => Faults;

  constructor(faults: () => Faults) {
    this.faults = faults;
  }

  cost(method: string): number {
    const table = this.profile() === '2026' ? COSTS_2026 : COSTS_2025;
    return table[method] ?? 1;
  }

  charge(user: string, method: string, now = performance.now()): QuotaVerdict {
    const cost = this.cost(method);
    const rate = this.faults().quota_units_per_sec ?? USER_PER_MINUTE[this.profile()] / 60;
    const capacity = rate;
    const bucket = this.buckets.get(user) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(user, bucket);
    // A call dearer than the whole bucket still passes when the bucket is full.
    if (bucket.tokens < Math.min(cost, capacity))
      return { ok: false, reason: 'userRateLimitExceeded' };
    const wall = Date.now();
    if (wall - this.projectMinute.start >= 60_000) this.projectMinute = { start: wall, used: 0 };
    if (wall - this.projectDay.start >= 86_400_000) this.projectDay = { start: wall, used: 0 };
    if (
      this.projectMinute.used + cost > PROJECT_PER_MINUTE ||
      this.projectDay.used + cost > PROJECT_PER_DAY
    ) {
      return { ok: false, reason: 'rateLimitExceeded' };
    }
    bucket.tokens -= cost;
    this.projectMinute.used += cost;
    this.projectDay.used += cost;
    return { ok: true };
  }

  reset(): void {
    this.buckets.clear();
  }

  private profile(): '2026' | '2025' {
    return this.faults().quota_profile ?? '2026';
  }
}
