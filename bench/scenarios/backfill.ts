// Scenario 1, backfill: one mailbox whose last days hold `total` mails, a fifth of them from the
// CRM's contacts. The service's full sync (Gmail search for the CRM's addresses, paced fetch) and
// the seed's poll (list everything, fetch one at a time) run against the same simulator at
// Gmail's real quota with 100 ms per call.

import { runBaselinePoll } from '../baseline.ts';
import { round, unitsSpent } from '../measure.ts';
import { quiesce, startWorld } from '../world.ts';
import { gmailClient, seedMailbox, simStats } from './fixtures.ts';

export interface BackfillResult {
  profile: '2026' | '2025';
  total: number;
  matched: number;
  service: {
    logged: number;
    seconds: number;
    perSecond: number;
    units: number;
    rateLimited: number;
  };
  baseline: { logged: number; fetched: number; seconds: number; perSecond: number };
  quotaBoundPerSecond: number;
}

export async function backfill(
  profile: '2026' | '2025',
  total: number,
  baselineBudgetS: number,
): Promise<BackfillResult> {
  const world = await startWorld({
    env: { GMAIL_QUOTA_PROFILE: profile, SYNC_BACKFILL_DAYS: '7' },
  });
  try {
    const matched = Math.round(total / 5);
    const owner = 'backfill@vendor.test';
    await world.simControl(
      'faults',
      { quota_profile: profile, quota_units_per_sec: 1_000_000 },
      'PUT',
    );
    await seedMailbox(world, owner, 'org-bench', total, matched);
    await world.simControl(
      'faults',
      { reset: true, quota_profile: profile, latency_ms: 100 },
      'PUT',
    );
    await world.simControl('reset-stats', {});
    const started = performance.now();
    await world.connect('u-backfill', 'org-bench', owner);
    await quiesce(world.pool, 900_000);
    const seconds = (performance.now() - started) / 1000;
    const stats = await simStats(world);
    const logged = Number(
      (await world.pool.query('select count(*)::int as n from activities')).rows[0].n,
    );

    // The seed's design, same simulator, same mailbox, its own copy of the activities table.
    await world.pool.query('delete from activity_links');
    await world.pool.query('delete from activities');
    const { gmail, mailboxId } = await gmailClient(world, owner);
    const baseline = await runBaselinePoll({
      gmail,
      pool: world.pool,
      orgId: 'org-bench',
      mailboxId,
      userId: 'u-backfill',
      days: 7,
      budgetSeconds: baselineBudgetS,
    });
    const costGet = profile === '2026' ? 20 : 5;
    const bound = (profile === '2026' ? 100 : 250) / costGet;
    return {
      profile,
      total,
      matched,
      service: {
        logged,
        seconds: round(seconds),
        perSecond: round(logged / seconds),
        units: unitsSpent(stats.calls, profile),
        rateLimited: stats.rate_limited,
      },
      baseline: {
        logged: baseline.logged,
        fetched: baseline.fetched,
        seconds: round(baseline.seconds),
        perSecond: round(baseline.logged / baseline.seconds),
      },
      quotaBoundPerSecond: bound,
    };
  } finally {
    await world.close();
  }
}
