// Pacing a mailbox's Calendar calls to Google's Calendar quota
// (https://developers.google.com/workspace/calendar/api/guides/quota): requests, not units, 600 a
// minute per user per project, in a sliding window. A token bucket per mailbox at 97% of 10 a
// second holding one second's worth keeps a burst from spending the minute; a refusal (403
// userRateLimitExceeded, 403 or 429 rateLimitExceeded: throttling in google/gmail-errors.ts) empties
// it and halves its rate for a while, as Gmail's pacer does (token-bucket.ts). Per process, like the
// Gmail pacers; separate from them, since the two APIs' quotas are separate.
import { classifyGoogleError } from '../google/gmail-errors.ts';
import { makeTokenBucket, type TokenBucket } from '../google/token-bucket.ts';

export const CALENDAR_REQUESTS_PER_MINUTE = 600;
const HEADROOM = 0.97;
/** Pacers kept per process; the least recently used go first past this. */
const MAX_ENTRIES = 10_000;

export interface CalendarPacer {
  run<T>(call: () => Promise<T>): Promise<T>;
}

export interface CalendarPacerRegistry {
  forMailbox(mailboxId: string): CalendarPacer;
}

export function makeCalendarPacers(
  perMinute = CALENDAR_REQUESTS_PER_MINUTE,
): CalendarPacerRegistry {
  const rate = (perMinute / 60) * HEADROOM;
  const entries = new Map<string, CalendarPacer>();
  const make = (): CalendarPacer => {
    const bucket: TokenBucket = makeTokenBucket({ ratePerSec: rate, capacity: rate });
    return {
      async run(call) {
        await bucket.take(1);
        try {
          return await call();
        } catch (error) {
          const failure = classifyGoogleError(error);
          if (failure.kind === 'retryable' && failure.throttled)
            bucket.throttle(failure.retryAfterMs);
          throw error;
        }
      },
    };
  };
  return {
    forMailbox(mailboxId) {
      let pacer = entries.get(mailboxId);
      if (pacer) entries.delete(mailboxId);
      else {
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
        pacer = make();
      }
      entries.set(mailboxId, pacer);
      return pacer;
    },
  };
}
