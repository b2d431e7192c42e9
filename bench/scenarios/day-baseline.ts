// The seed's design on the same day: every 15 minutes (96 pulls a day) it lists the mail since
// yesterday's date (`sync_recent_emails(days=1)`) and fetches every listed message
// (bench/baseline.ts). Its cost per pull depends only on how much mail the window holds, so two
// pulls are run for real on the simulator, on a twin mailbox holding the same mail — one at the
// day's start (yesterday's mail alone) and one at its end (yesterday's and today's) — and the 96
// are added up from the calls those pulls made per listed message, with the mail each pull of the
// day would find (today's mail arriving as the day's events did, over the working day).
import { runBaselinePoll } from '../baseline.ts';
import { type Calls, diffCalls, round, unitsSpent } from '../measure.ts';
import type { World } from '../world.ts';
import { baselineMailboxRow } from './backfill.ts';
import { gmailClient, servedCallsOf } from './fixtures.ts';

const TWIN = 'baseline-day@vendor.test';
const PULLS_PER_DAY = 96;

export interface BaselineDay {
  /** The two pulls run: the mail in the window, Gmail calls made, activities logged. */
  pulls: { listed: number; calls: Calls; logged: number }[];
  /** Whether both pulls made exactly one list call per 100 listed and one get per message. */
  modelHolds: boolean;
  calls: Calls;
  units: number;
  /** The same pulls reading one page of 100, as the seed's code does (it follows no page token). */
  unitsFirstPageOnly: number;
  /** Mail of today the baseline logged (From a contact or lead: it reads no To, no thread). */
  logged: number;
  getsPerLoggedMail: number;
}

/**
 * `owner`'s mail copied to a twin as it stood at the day's start (before `dayStart`) and at its
 * end; `arrivals` is when each of today's mails arrived, as a fraction of the day (0 = midnight).
 */
export async function baselineDay(
  world: World,
  owner: string,
  org: string,
  dayStart: number,
  arrivals: number[],
): Promise<BaselineDay> {
  const mailboxId = await baselineMailboxRow(world, org, TWIN);
  const { gmail } = await gmailClient(world, TWIN);
  // Its pulls are timed by no one: the per-user rate is lifted so they take seconds, not minutes.
  await world.setFaults({ quota_units_per_sec: 1_000_000 });
  const source = world.sim.store.get(owner);
  const twin = world.sim.store.ensure(TWIN);
  const copy = (today: boolean) => {
    for (const id of source?.order ?? []) {
      const m = source?.messages.get(id);
      if (m && m.internalDate >= dayStart === today)
        world.sim.store.insert(twin, m.raw, {
          labelIds: [...m.labelIds],
          internalDate: m.internalDate,
        });
    }
  };
  const pull = async () => {
    const before = await servedCallsOf(world, TWIN);
    const run = await runBaselinePoll({
      gmail,
      pool: world.pool,
      orgId: org,
      mailboxId,
      userId: 'u-baseline',
      days: 1,
    });
    const calls = diffCalls(await servedCallsOf(world, TWIN), before);
    return { listed: run.listed, calls, logged: run.logged };
  };
  copy(false);
  const start = await pull();
  copy(true);
  const end = await pull();
  const callsFor = (listed: number): Calls => ({
    'messages.list': Math.max(1, Math.ceil(listed / 100)),
    'messages.get': listed,
  });
  const holds = (p: typeof start) => {
    const model = callsFor(p.listed);
    const methods = new Set([...Object.keys(model), ...Object.keys(p.calls)]);
    return [...methods].every((m) => model[m] === p.calls[m]);
  };

  const yesterday = start.listed;
  const calls: Calls = { 'messages.list': 0, 'messages.get': 0 };
  // The seed itself reads only the first page of 100: what it would spend (and miss) that way.
  let firstPageOnly = 0;
  for (let k = 0; k < PULLS_PER_DAY; k++) {
    const at = k / PULLS_PER_DAY;
    const listed = yesterday + arrivals.filter((a) => a < at).length;
    for (const [method, n] of Object.entries(callsFor(listed)))
      calls[method] = (calls[method] ?? 0) + n;
    firstPageOnly += unitsSpent(callsFor(Math.min(100, listed)), '2026');
  }
  const logged = end.logged;
  return {
    pulls: [start, end],
    modelHolds: holds(start) && holds(end),
    calls,
    units: unitsSpent(calls, '2026'),
    unitsFirstPageOnly: firstPageOnly,
    logged,
    getsPerLoggedMail: round((calls['messages.get'] ?? 0) / Math.max(1, logged), 1),
  };
}
