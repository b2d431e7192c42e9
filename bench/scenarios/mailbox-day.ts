// Scenario "a salesperson's day" (issue 14 item 3; issue 15's bench clause): one mailbox's working
// day (day-plan.ts) played in a few minutes at Gmail's 2026 quota profile, 100 ms a Gmail call, a
// search index 1 s behind the mailbox and pushes at Gmail's one a second; what the service spends
// is read from the simulator's counts, and the day's fixed costs (96 poll ticks, watch renewal, the
// daily reconciliation) and a retroactive search and a re-import are measured after it
// (day-costs.ts). Then: every mail that concerns the CRM logged exactly once, the reconciliation's
// verdict, the delivery → activity latency, and the seed's design on the same mail (day-baseline.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimStats } from '../../sim/context.ts';
import {
  addCalls,
  type Calls,
  calendarCalls,
  percentile,
  round,
  unitsByMethod,
  unitsSpent,
} from '../measure.ts';
import { quiesce, startWorld, type World } from '../world.ts';
import { baselineDay } from './day-baseline.ts';
import { type Api, apiFor, type FixedCosts, fixedCosts, reconcileNow } from './day-costs.ts';
import { seedCrm } from './day-crm.ts';
import {
  BLOCKED,
  type Concern,
  DAY_DEFAULTS,
  type DayEvent,
  type DayOptions,
  LATE_CONTACT,
  OWNER,
  planDay,
} from './day-plan.ts';
import { addContacts, CONTACTS, raw, servedCallsOf, simStatsFor } from './fixtures.ts';
import { watchActivities } from './latency.ts';

const ORG = 'org-day';
const USER = { sub: 'u-rep', org: ORG };
/** The cron's poll would fire at a random moment of the compressed day: it is measured apart. */
const NO_CRON_POLL = '0 0 1 1 *';
/** Gmail pushes a mailbox's changes at most once a second: a margin above it. */
const MIN_GAP_MS = 1_100;
/** What the service's search-first matching takes as "search has not found it": 10 minutes. */
const MATCH_SETTLE_REAL_MS = 600_000;

/** The CRM's size, the quota profile, and where a whole-CRM search gives way to the mailbox's. */
export interface DayScale {
  crmSize?: number | undefined;
  profile?: '2026' | '2025';
  /** SEARCH_FULL_CRM_QUERIES: a large value searches the whole CRM or fetches (the method before). */
  fullCrmQueries?: number | undefined;
}

export async function mailboxDay(options: Partial<DayOptions> = {}, scale: DayScale = {}) {
  const o = { ...DAY_DEFAULTS, ...options };
  const profile = scale.profile ?? '2026';
  const events = planDay(o);
  const compression = (events.length * o.spacingMs) / (o.workdayHours * 3_600_000);
  const matchSettleMs = Math.round(MATCH_SETTLE_REAL_MS * compression);
  const world = await startWorld({
    env: {
      GMAIL_QUOTA_PROFILE: profile,
      ...(scale.fullCrmQueries === undefined
        ? {}
        : { SEARCH_FULL_CRM_QUERIES: String(scale.fullCrmQueries) }),
      POLL_INTERVAL: NO_CRON_POLL,
      MATCH_SETTLE_MS: String(matchSettleMs),
    },
  });
  try {
    const api = apiFor(world, USER);
    const connection = await prepare(world, api, o, scale.crmSize);
    await world.setFaults({ latency_ms: 100, search_lag_ms: 1_000 });
    await world.simControl('reset-stats', {});
    const dayStart = Date.now();
    const played = await playDay(world, api, events, o.spacingMs);
    await quiesce(world.pool, 180_000, 'all');
    const wallSeconds = round((Date.now() - dayStart) / 1000, 1);
    const dayCalls = await servedCallsOf(world, OWNER);
    // Calls Gmail refused for quota (retried; they cost no units) and what it charged, to check.
    const { refused, units: charged } = await simStatsFor(world, OWNER);
    const { pushes } = (await world.simControl('stats')) as SimStats;
    const atDayEnd = await checkLogged(world, [
      ...played.ids.crm,
      ...played.sends.map((s) => s.id),
    ]);
    const costs = await fixedCosts(world, api, { email: OWNER, org: ORG }, LATE_CONTACT);
    const expected = [
      ...played.ids.crm,
      ...played.sends.map((s) => s.id),
      ...played.ids.late_contact,
      ...played.ids.blocked,
    ];
    const final = await checkLogged(world, expected);
    // Today's mail arrives over the working day, from 08:00: when each would be, as a day fraction.
    const arrivals = events
      .map((e, i) => ({ e, at: (8 + ((i + 0.5) / events.length) * o.workdayHours) / 24 }))
      .filter(({ e }) => e.kind !== 'label')
      .map(({ at }) => at);
    const baseline = await baselineDay(world, OWNER, ORG, dayStart, arrivals);
    return {
      date: new Date().toISOString(),
      options: o,
      events: events.length,
      wallSeconds,
      compression: round(compression, 5),
      matchSettleMs,
      ...account(dayCalls, played.sends, costs, final.logged, profile),
      scale: { crmSize: scale.crmSize ?? CONTACTS.length, profile, method: methodOf(scale) },
      connectionUnits: unitsSpent(connection, profile),
      connectionCalls: connection,
      dayRefused: refused,
      pushes,
      dayUnitsCharged: charged,
      atDayEnd,
      final,
      reconciliation: costs.reconciliation.completeness,
      audit: costs.reconciliation.audit,
      latency: { thread: latencyOf(played.thread), first: latencyOf(played.first) },
      baseline,
    };
  } finally {
    await world.close();
  }
}

export type DayResult = Awaited<ReturnType<typeof mailboxDay>>;

/** The CRM, yesterday's mail, the connected mailbox with its blocklist, yesterday's reconciliation. */
async function prepare(world: World, api: Api, o: DayOptions, crmSize?: number): Promise<Calls> {
  await addContacts(world, ORG);
  if (crmSize) await seedCrm(world, ORG, crmSize);
  await quiesce(world.pool, 120_000, 'all');
  // Yesterday was a day like today (another seed), over the same working hours.
  const yesterday = planDay({ ...o, seed: o.seed - 1, lateContactMails: 0, blockedMails: 0 });
  const mailbox = world.sim.store.ensure(OWNER);
  const start = Date.now() - 86_400_000;
  yesterday.forEach((e, i) => {
    if (e.kind === 'label') return;
    const [message, labelIds] =
      e.kind === 'mail' ? [e.raw, e.labels] : [raw(OWNER, e.to, e.subject), ['SENT']];
    // Whole milliseconds, as Gmail's internalDate always is.
    const internalDate = Math.round(start + (i / yesterday.length) * o.workdayHours * 3_600_000);
    world.sim.store.insert(mailbox, Buffer.from(message), { labelIds, internalDate });
  });
  await world.connect(USER.sub, ORG, OWNER);
  await quiesce(world.pool, 600_000, 'all');
  // What connecting cost: the backfill of yesterday's mail (nothing was charged to it before).
  const connection = await servedCallsOf(world, OWNER);
  await api('PUT', '/integrations/gmail/settings', { blocked_addresses: [BLOCKED] });
  await reconcileNow(world, api, OWNER);
  return connection;
}

const methodOf = (scale: DayScale) =>
  scale.fullCrmQueries === undefined
    ? 'mailbox scope'
    : `whole CRM ≤ ${scale.fullCrmQueries} queries`;

async function playDay(world: World, api: Api, events: DayEvent[], spacingMs: number) {
  const ids: Record<Concern, string[]> = { crm: [], late_contact: [], blocked: [], none: [] };
  const delivered = new Map<number, { id: string; threadId: string }>();
  const sends: { id: string; calls: Calls }[] = [];
  const thread: Promise<number | undefined>[] = [];
  const first: Promise<number | undefined>[] = [];
  const seen = watchActivities(world);
  const started = performance.now();
  let done = 0;
  for (const [i, e] of events.entries()) {
    // On its slot, and never within Gmail's push interval of the last event's change (a send that
    // Gmail made wait for quota lands late): each event gets a push of its own.
    const due = Math.max(started + i * spacingMs, done + MIN_GAP_MS);
    await sleep(Math.max(0, due - performance.now()));
    if (e.kind === 'mail') {
      const parent = e.parent === undefined ? undefined : delivered.get(e.parent);
      // "A thread the CRM already logged" as it stands when the mail arrives, not as planned.
      const inLoggedThread = parent !== undefined && (await threadLogged(world, parent.threadId));
      const m = (await world.deliver(OWNER, e.raw, e.labels)) as { id: string; threadId: string };
      delivered.set(e.key, m);
      ids[e.concern].push(m.id);
      if (e.concern !== 'crm') continue;
      const at = world.sim.store.get(OWNER)?.messages.get(m.id)?.internalDate ?? Date.now();
      const latency = seen.logged(m.id).then(
        (loggedAt) => loggedAt - at,
        () => undefined,
      );
      (inLoggedThread ? thread : first).push(latency);
    } else if (e.kind === 'label') {
      const target = delivered.get(e.mail)?.id ?? '';
      await world.simControl(`mailboxes/${OWNER}/messages/${target}/labels`, {
        add: e.add,
        remove: e.remove,
      });
    } else {
      const before = await servedCallsOf(world, OWNER);
      const replyTo = e.replyTo === undefined ? undefined : delivered.get(e.replyTo)?.id;
      const sent = (await api('POST', '/integrations/gmail/send', {
        to: [e.to],
        subject: e.subject,
        text: 'Thanks, talk soon.',
        ...(replyTo ? { reply_to_message_id: replyTo } : {}),
      })) as { message_id: string };
      // The send's own calls: messages.send and, for a reply, the read of the mail it answers
      // (a sync the send's push starts meanwhile lists history, and fetches nothing already logged).
      const after = await servedCallsOf(world, OWNER);
      const calls: Calls = {};
      for (const method of ['messages.send', 'messages.get'])
        if ((after[method] ?? 0) > (before[method] ?? 0))
          calls[method] = (after[method] ?? 0) - (before[method] ?? 0);
      sends.push({ id: sent.message_id, calls });
    }
    done = performance.now();
  }
  const result = { ids, sends, thread: await Promise.all(thread), first: await Promise.all(first) };
  seen.stop();
  return result;
}

async function threadLogged(world: World, threadId: string): Promise<boolean> {
  const { rows } = await world.pool.query(
    `select 1 from activities a join mailboxes m on m.id = a.mailbox_id
      where m.email = $1 and a.thread_id = $2 limit 1`,
    [OWNER, threadId],
  );
  return rows.length > 0;
}

/** Every expected mail logged exactly once, and nothing else of the day's mail. */
async function checkLogged(world: World, expected: string[]) {
  const { rows } = await world.pool.query<{ id: string; n: number }>(
    `select gmail_message_id as id, count(*)::int as n
       from activities a join mailboxes m on m.id = a.mailbox_id
      where m.email = $1 and a.created_at > now() - interval '1 hour'
      group by 1`,
    [OWNER],
  );
  const counts = new Map(rows.map((r) => [r.id, r.n]));
  const wanted = new Set(expected);
  return {
    expected: expected.length,
    logged: expected.filter((id) => counts.has(id)).length,
    lost: expected.filter((id) => !counts.has(id)).length,
    duplicated: rows.reduce((sum, r) => sum + Math.max(0, r.n - 1), 0),
    unexpected: rows.filter((r) => !wanted.has(r.id)).length,
  };
}

/**
 * The day's units by method and by source. Sends are counted beside the total, not in it: they
 * are the user's own action, the same for any sync design.
 */
function account(
  day: Calls,
  sends: { calls: Calls }[],
  costs: FixedCosts,
  logged: number,
  profile: '2026' | '2025',
) {
  const sent = addCalls(sends.map((s) => ({ calls: s.calls })));
  const service = addCalls([{ calls: day }, { calls: sent, times: -1 }]);
  const units = (calls: Calls) => unitsSpent(calls, profile);
  const pick = (method: string) => units({ [method]: service[method] ?? 0 });
  const known = ['history.list', 'messages.get', 'messages.list', 'messages.send'];
  const bySource = {
    pushes_history: pick('history.list'),
    fetches: pick('messages.get'),
    searches: pick('messages.list'),
    other_day_calls: units(
      Object.fromEntries(Object.entries(service).filter(([m]) => !known.includes(m))),
    ),
    polls: round(
      costs.polls.reduce((sum, p) => sum + p.times * units(p.calls), 0),
      1,
    ),
    watch: round(costs.watch.times * units(costs.watch.calls), 1),
    // The reconciliation's calls hold the audit's (it runs the audit): counted apart.
    reconciliation: units(costs.reconciliation.calls) - (costs.reconciliation.audit?.units ?? 0),
    audit: costs.reconciliation.audit?.units ?? 0,
    retro_search: units(costs.retroSearch),
    reimport: units(costs.reimport),
  };
  const all = addCalls([
    { calls: service },
    ...costs.polls,
    costs.watch,
    { calls: costs.reconciliation.calls },
    { calls: costs.retroSearch },
    { calls: costs.reimport },
  ]);
  return {
    units: Object.values(bySource).reduce((a, b) => a + b, 0),
    unitsByMethod: unitsByMethod(all, profile),
    unitsBySource: bySource,
    callsByMethod: all,
    measured: {
      day: service,
      pushes_healthy: costs.pushesHealthy,
      polls: costs.polls,
      watch: costs.watch,
      reconciliation: costs.reconciliation.calls,
      retroSearch: costs.retroSearch,
      reimport: costs.reimport,
    },
    sendUnits: units(sent),
    /** Calendar API calls in the day (its own quota, not Gmail units): the poll's events.list. */
    calendarCalls: round(calendarCalls(all), 1),
    getsPerLoggedMail: round((all['messages.get'] ?? 0) / Math.max(1, logged), 2),
  };
}

function latencyOf(samples: (number | undefined)[]) {
  const seen = samples.filter((s): s is number => s !== undefined);
  return {
    samples: samples.length,
    notLoggedIn30s: samples.length - seen.length,
    p50: round(percentile(seen, 50), 1),
    p90: round(percentile(seen, 90), 1),
    p99: round(percentile(seen, 99), 1),
    max: round(Math.max(0, ...seen), 1),
  };
}
