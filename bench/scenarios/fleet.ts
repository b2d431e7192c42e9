// Scenarios 2 to 7 share one world with 1,000 connected mailboxes (200 connected through the real
// OAuth flow, which take the load; 800 quiet), under the 2025 quota profile (50 messages.get a
// second per mailbox) so the figures measure the service and PostgreSQL rather than Gmail's
// per-user limit. Peak memory is read there; then 9,000 more quiet mailboxes join for the sweep.
import { peakRssMb } from '../measure.ts';
import { quiesce, startWorld, type World } from '../world.ts';
import { fanout } from './fanout.ts';
import { addContacts } from './fixtures.ts';
import { pushIngest } from './ingest.ts';
import { pushLatency } from './latency.ts';
import { addQuietMailboxes, pollSweep } from './poll-sweep.ts';
import { sendRate } from './send.ts';

const ORG = 'org-fleet';
export const FLEET_PARTS = ['latency', 'fanout', 'ingest', 'send', 'sweep'] as const;
export type FleetPart = (typeof FLEET_PARTS)[number];

export async function fleet(parts: Set<FleetPart>) {
  const world = await startWorld({ env: { GMAIL_QUOTA_PROFILE: '2025' } });
  try {
    await addContacts(world, ORG);
    const active = Array.from({ length: 200 }, (_, i) => `rep${i}@vendor.test`);
    await connectAll(world, active);
    await addQuietMailboxes(world, 799, 'quiet-a');
    await quiesce(world.pool);

    const lat20 = parts.has('latency')
      ? await pushLatency(world, active.slice(0, 4), 20, 25)
      : undefined;
    const lat100 = parts.has('latency')
      ? await pushLatency(world, active.slice(4, 8), 100, 25)
      : undefined;
    const fan = parts.has('fanout') ? await fanout(world, active, 50) : undefined;
    const ingest = parts.has('ingest') ? await pushIngest(world, active, 10_000) : undefined;
    await quiesce(world.pool, 300_000);
    const send = parts.has('send')
      ? await sendRate(world, { sub: 'u-0', org: ORG }, { count: 20, unitsPerSecond: 250 })
      : undefined;
    const rss = await rssOf(world);

    let sweep: Awaited<ReturnType<typeof pollSweep>> | undefined;
    let rssAfterSweep: typeof rss | undefined;
    if (parts.has('sweep')) {
      await addQuietMailboxes(world, 9_000, 'quiet-b');
      sweep = await pollSweep(world, world.processes.get('worker-0')?.pid);
      rssAfterSweep = await rssOf(world);
    }
    const mailboxes = Number(
      (await world.pool.query(`select count(*)::int as n from mailboxes`)).rows[0].n,
    );
    return { lat20, lat100, fan, ingest, send, rss, sweep, rssAfterSweep, mailboxes };
  } finally {
    await world.close();
  }
}

async function connectAll(world: World, owners: string[]): Promise<void> {
  for (let i = 0; i < owners.length; i += 10) {
    await Promise.all(owners.slice(i, i + 10).map((o, j) => world.connect(`u-${i + j}`, ORG, o)));
  }
}

async function rssOf(world: World) {
  return {
    web: await peakRssMb(world.processes.get('web')?.pid),
    worker: await peakRssMb(world.processes.get('worker-0')?.pid),
  };
}
