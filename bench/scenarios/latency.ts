// Scenario 3, push → activity latency: from the moment Gmail has a mail (its internalDate, the
// simulator's clock, which is this machine's) to the moment its committed activity is seen, with
// the simulator at a given latency per Gmail call. Each of a few mailboxes takes
// one mail at a time (they run side by side, each within its own quota). The path needs two Gmail
// round trips (history.list, messages.get); the service's overhead is what is left.
import { percentile, round } from '../measure.ts';
import { quiesce, type World } from '../world.ts';
import { raw } from './fixtures.ts';

export async function pushLatency(
  world: World,
  owners: string[],
  latencyMs: number,
  samplesPerMailbox: number,
) {
  await world.setFaults({ latency_ms: latencyMs });
  await quiesce(world.pool);
  const latencies: number[] = [];
  const sample = async (owner: string, i: number) => {
    const { id } = await world.deliver(
      owner,
      raw('contact0@customer.test', owner, `latency ${latencyMs} #${i}`),
    );
    const received = world.sim.store.get(owner)?.messages.get(id)?.internalDate ?? Date.now();
    for (;;) {
      const { rows } = await world.pool.query(
        'select 1 from activities where gmail_message_id = $1',
        [id],
      );
      if (rows.length > 0) break;
      if (Date.now() - received > 30_000)
        throw new Error('a pushed mail was not logged within 30 s');
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(Date.now() - received);
  };
  await Promise.all(
    owners.map(async (owner) => {
      for (let i = 0; i < samplesPerMailbox; i++) {
        await sample(owner, i);
        // Spaced so the mailbox's quota bucket has refilled: this measures latency, not pacing.
        await new Promise((r) => setTimeout(r, 300));
      }
    }),
  );
  const p99 = percentile(latencies, 99);
  return {
    samples: latencies.length,
    p50: round(percentile(latencies, 50), 1),
    p99: round(p99, 1),
    overheadP99: round(Math.max(0, p99 - 2 * latencyMs), 1),
  };
}
