// Scenario 1, backfill: one mailbox whose last days hold `total` mails, `matched` of them from the
// CRM's contacts, at Gmail's real quota with 100 ms per call. The service connects and backfills
// (Gmail search for the CRM's addresses, paced concurrent fetch); beside it, on a twin mailbox with
// the same mail and its own per-user quota, the seed's poll runs (list everything, fetch one at a
// time) until the service is done. Both against the same simulator and PostgreSQL.

import { runBaselinePoll } from '../baseline.ts';
import { round } from '../measure.ts';
import { quiesce, startWorld, type World } from '../world.ts';
import { addContacts, gmailClient, mailboxContents, simStatsFor } from './fixtures.ts';

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

const ORG = 'org-bench';
const OWNER = 'backfill@vendor.test';
const TWIN = 'baseline@vendor.test';

export async function backfill(
  profile: '2026' | '2025',
  total: number,
  matched: number,
): Promise<BackfillResult> {
  const world = await startWorld({
    env: { GMAIL_QUOTA_PROFILE: profile, SYNC_BACKFILL_DAYS: '7' },
  });
  try {
    await addContacts(world, ORG);
    world.seed(OWNER, mailboxContents(OWNER, total, matched));
    world.seed(TWIN, mailboxContents(TWIN, total, matched));
    const baselineMailbox = await baselineMailboxRow(world, ORG, TWIN);
    const { gmail } = await gmailClient(world, TWIN);
    await world.setFaults({ latency_ms: 100 });
    await world.simControl('reset-stats', {});

    const stop = new AbortController();
    const baselineRun = runBaselinePoll({
      gmail,
      pool: world.pool,
      orgId: ORG,
      mailboxId: baselineMailbox,
      userId: 'u-baseline',
      days: 7,
      signal: stop.signal,
    });
    const started = performance.now();
    await world.connect('u-backfill', ORG, OWNER);
    await waitForActivities(world, OWNER, matched, 900_000);
    const seconds = (performance.now() - started) / 1000;
    stop.abort();
    const baseline = await baselineRun;
    await quiesce(world.pool);
    const stats = await simStatsFor(world, OWNER);
    const logged = await activityCount(world, OWNER);
    const bound = (profile === '2026' ? 100 : 250) / (profile === '2026' ? 20 : 5);
    return {
      profile,
      total,
      matched,
      service: {
        logged,
        seconds: round(seconds),
        perSecond: round(logged / seconds),
        units: stats.units,
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

/** The baseline's activities need a mailbox row; as a disconnected one the service never syncs it. */
export async function baselineMailboxRow(
  world: World,
  org: string,
  email: string,
): Promise<string> {
  const { rows } = await world.pool.query(
    `insert into mailboxes (org_id, user_id, email, status) values ($1, 'u-baseline', $2, 'disconnected')
     returning id`,
    [org, email],
  );
  return rows[0].id;
}

async function activityCount(world: World, email: string): Promise<number> {
  const { rows } = await world.pool.query(
    `select count(*)::int as n from activities a join mailboxes m on m.id = a.mailbox_id where m.email = $1`,
    [email],
  );
  return rows[0].n;
}

async function waitForActivities(world: World, email: string, n: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while ((await activityCount(world, email)) < n) {
    if (performance.now() > deadline) throw new Error(`${email}: fewer than ${n} activities`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
