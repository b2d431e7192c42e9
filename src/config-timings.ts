// The delays shaped by how Gmail behaves (a message announced before it can be read, a push that
// trails the change it announces, search that trails delivery, a send's fate known only later).
// They are not environment variables: production runs with these values, and tests build a config
// with shorter ones (test/support/test-timings.ts) so they need not wait Gmail's real lags.

export interface Timings {
  /** A message announced but answering 404 is asked for again after each of these waits; their
   * sum bounds how long a 404 holds a sync (sync/announced-404.ts). */
  announced404GraceMs: readonly number[];
  /** After a push, a second sync of the mailbox this much later picks up the changes whose own
   * push Gmail coalesced into this one (ingest/notifications.ts). */
  trailingSyncDelayMs: number;
  /** A check that finds Gmail ahead of the cursor looks again this much later, so a push still on
   * its way is not counted as missed (ingest/check-mailbox.ts). */
  pushGraceMs: number;
  /** A record added to the CRM has its past mail searched for this much later, after a change
   * made in the same breath has settled (retro-search/retro-search.ts). */
  retroSearchSettleMs: number;
  /** Pending matches whose search failed are searched for again this much later
   * (search-first/match-pending.ts). */
  matchRetryAfterFailureMs: number;
  /** A send Gmail answered `unknown` is looked up again after a gap this long: the time since the
   * send, within these bounds (send/resolve-send.ts). */
  sendLookupGapMs: { min: number; max: number };
  /** A scheduled send whose attempt's outcome is unknown is looked up after `first`, doubling
   * each attempt, at most `max` (scheduled/run-scheduled.ts). */
  scheduledUnknownRetryMs: { first: number; max: number };
  /** A full sync's reconciliation waits this long, so Gmail's search has indexed the mail the
   * full sync could not yet find (jobs/task-list.ts). */
  reconcileAfterFullSyncMs: number;
  /** A widening audit that still owes let-go mail a look comes back this much later, after the
   * syncs of new mail have had the mailbox's quota (jobs/audit-task.ts). */
  auditOwedAgainMs: number;
  /** A Gmail call that failed for another reason than rate (5xx, network) is retried after a
   * jittered backoff from `min`, doubling up to `max` (google/retry-policy.ts). */
  gmailRetryMs: { min: number; max: number };
  /** A job on a mailbox whose sync lock another job holds (a sync, a search, a reconciliation, an
   * audit, a scheduled send, a calendar sync) is queued again this much later (jobs/). */
  mailboxBusyRetryMs: number;
  /** A message a process died on is tried again (alone) only this long after that death, so that a
   * crash loop from elsewhere (a deploy, the host) does not blame the mail it happened to hold
   * (sync/in-flight.ts). */
  suspectRestMs: number;
}

/** Production's values. */
export const productionTimings: Timings = {
  announced404GraceMs: [2_000, 5_000, 15_000],
  trailingSyncDelayMs: 2_000,
  pushGraceMs: 5_000,
  retroSearchSettleMs: 30_000,
  matchRetryAfterFailureMs: 30_000,
  sendLookupGapMs: { min: 15_000, max: 120_000 },
  scheduledUnknownRetryMs: { first: 10_000, max: 3_600_000 },
  reconcileAfterFullSyncMs: 15 * 60_000,
  auditOwedAgainMs: 60_000,
  gmailRetryMs: { min: 250, max: 32_000 },
  mailboxBusyRetryMs: 2_000,
  suspectRestMs: 60_000,
};
