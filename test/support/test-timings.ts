// The Gmail-shaped delays (src/config-timings.ts) as every in-process test runs them: most a tenth
// of production's, so a test that plays Gmail's lag (its fault scaled from these, as in
// announced-mail, poll-checks and retro-history) waits seconds rather than tens of seconds and still
// exercises the same order of events. Those bound by something the simulator does in real time
// (one push a second, a push's delivery) keep the margin they need.
import type { Timings } from '../../src/config-timings.ts';

export const testTimings: Timings = {
  announced404GraceMs: [300, 700, 1_500],
  // Not shorter than Gmail's one push a second (the simulator's too): the trailing sync is what
  // reads the changes whose pushes that limit dropped.
  trailingSyncDelayMs: 1_500,
  // A held push must be released and synced before the second look (poll-checks).
  pushGraceMs: 2_000,
  retroSearchSettleMs: 5_000,
  matchRetryAfterFailureMs: 3_000,
  sendLookupGapMs: { min: 1_500, max: 12_000 },
  scheduledUnknownRetryMs: { first: 1_000, max: 360_000 },
  reconcileAfterFullSyncMs: 90_000,
  auditOwedAgainMs: 6_000,
  gmailRetryMs: { min: 25, max: 3_200 },
  mailboxBusyRetryMs: 300,
  suspectRestMs: 1_000,
};
