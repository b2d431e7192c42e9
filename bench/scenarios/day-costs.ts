// What a mailbox-day costs beyond its pushes, each measured on the simulator as the service runs it
// (the mailbox's Gmail calls counted before and after): the daily reconciliation asked for over the
// API (and the audit of the day's let-go mail it runs, its units read from the audit's own record), the fallback poll (`gmail-sync poll`, run 96 times a day by the cron: for a mailbox whose
// pushes are healthy, one tick in four checks it and the others leave it alone, so both ticks are
// measured), one watch renewal (daily, or every sixth day for healthy pushes, when the 7-day watch
// is within a day of expiry), a contact added to the CRM after its mail arrived (the
// CRM tables' trigger queues the retroactive search, and its second pass 30 s later), and a
// blocklist entry removed (the re-import through a search of the mailbox).
import type { CompletenessView } from '../../src/reconcile/reconcile-store.ts';
import { type Calls, diffCalls } from '../measure.ts';
import { quiesce, type World } from '../world.ts';
import { servedCallsOf } from './fixtures.ts';
import { runPoll } from './poll-sweep.ts';

/** The mailbox's Gmail calls while `fn` runs and the jobs it queued finish. */
export async function callsDuring(
  world: World,
  email: string,
  fn: () => Promise<unknown>,
): Promise<Calls> {
  await quiesce(world.pool, 120_000, 'all');
  const before = await servedCallsOf(world, email);
  await fn();
  // A CRM searched whole at 100,000 addresses takes minutes of quota for one reconciliation.
  await quiesce(world.pool, 900_000, 'all');
  return diffCalls(await servedCallsOf(world, email), before);
}

/** Calls measured once and how many times a day they happen. */
export interface Repeated {
  calls: Calls;
  times: number;
}

const POLLS_PER_DAY = 96;
/** A healthy mailbox is checked every fourth tick (its last check over 55 minutes old). */
const CHECKS_PER_DAY = 24;
/** Renewed within a day of the watch's 7-day expiry: every sixth day. */
const HEALTHY_WATCHES_PER_DAY = 1 / 6;

/** The audit of what search let go that the reconciliation ran (search-audit/), as it was kept. */
export interface DayAudit {
  population: number;
  sampled: number;
  missed: number;
  widened: number;
  units: number;
}

export interface FixedCosts {
  /** Its calls include the audit's; `audit.units` says how many of its units were the audit's. */
  reconciliation: { calls: Calls; completeness: CompletenessView | null; audit: DayAudit | null };
  /** Whether the mailbox's pushes were healthy when the poll was measured (push-health.ts). */
  pushesHealthy: boolean;
  polls: Repeated[];
  watch: Repeated;
  retroSearch: Calls;
  reimport: Calls;
}

/** A caller of the service's API as the CRM is: a bearer token for the mailbox's user. */
export type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function apiFor(world: World, user: { sub: string; org: string }): Api {
  return async (method, path, body) => {
    const res = await fetch(`${world.webUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await world.token(user.sub, user.org)}`,
        'content-type': 'application/json',
        ...(method === 'POST' ? { 'idempotency-key': `day-${path}-${Math.random()}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
}

export async function reconcileNow(world: World, api: Api, email: string) {
  const calls = await callsDuring(world, email, () =>
    api('POST', '/integrations/gmail/sync', { reconcile: true }),
  );
  const status = (await api('GET', '/integrations/gmail/status')) as {
    completeness: CompletenessView | null;
  };
  // The reconciliation queued the audit; callsDuring waited for it too.
  const { rows } = await world.pool.query<DayAudit>(
    `select a.population, a.sampled, a.missed, a.widened, a.units
       from search_audits a join mailboxes m on m.id = a.mailbox_id
      where m.email = $1 order by a.checked_at desc limit 1`,
    [email],
  );
  return { calls, completeness: status.completeness, audit: rows[0] ?? null };
}

export async function fixedCosts(
  world: World,
  api: Api,
  mailbox: { email: string; org: string },
  lateContact: string,
): Promise<FixedCosts> {
  const { email, org } = mailbox;
  const reconciliation = await reconcileNow(world, api, email);
  const { push } = (await api('GET', '/integrations/gmail/status')) as {
    push: { healthy: boolean };
  };
  const checkDue = () =>
    world.pool.query(
      `update mailboxes set checked_at = now() - interval '2 hours' where email = $1`,
      [email],
    );
  const checked = await callsDuring(world, email, async () => {
    await checkDue();
    await runPoll(world);
  });
  const polls = push.healthy
    ? [
        { calls: checked, times: CHECKS_PER_DAY },
        {
          calls: await callsDuring(world, email, () => runPoll(world)),
          times: POLLS_PER_DAY - CHECKS_PER_DAY,
        },
      ]
    : [{ calls: checked, times: POLLS_PER_DAY }];
  const renewal = await callsDuring(world, email, () =>
    world.pool.query(
      `select graphile_worker.add_job('renew_watch', json_build_object('mailbox_id', id))
         from mailboxes where email = $1 and status = 'active'`,
      [email],
    ),
  );
  const retroSearch = await callsDuring(world, email, () =>
    world.pool.query(`insert into contacts (org_id, name, email) values ($1, 'New contact', $2)`, [
      org,
      lateContact,
    ]),
  );
  const reimport = await callsDuring(world, email, () =>
    api('PUT', '/integrations/gmail/settings', { blocked_addresses: [] }),
  );
  const watch = { calls: renewal, times: push.healthy ? HEALTHY_WATCHES_PER_DAY : 1 };
  return { reconciliation, pushesHealthy: push.healthy, polls, watch, retroSearch, reimport };
}
