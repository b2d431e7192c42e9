// The Gmail-shaped delays (src/config-timings.ts) as tests run them: each a fraction of
// production's, in the same proportions, so a test that plays Gmail's lag (a fault scaled alike)
// waits seconds rather than tens of seconds and still exercises the same order of events.
import type { Timings } from '../../src/config-timings.ts';

export const testTimings: Timings = {
  announced404GraceMs: [300, 700, 1_500],
  trailingSyncDelayMs: 600,
  pushGraceMs: 2_000,
  retroSearchSettleMs: 5_000,
  matchRetryAfterFailureMs: 3_000,
  sendLookupGapMs: { min: 1_500, max: 12_000 },
  scheduledUnknownRetryMs: { first: 1_000, max: 360_000 },
  reconcileAfterFullSyncMs: 90_000,
  auditOwedAgainMs: 6_000,
  gmailRetryMs: { min: 25, max: 3_200 },
  mailboxBusyRetryMs: 300,
};
