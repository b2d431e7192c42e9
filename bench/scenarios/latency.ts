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
  const seen = watchActivities(world);
  const sample = async (owner: string, i: number) => {
    const { id } = await world.deliver(
      owner,
      raw('contact0@customer.test', owner, `latency ${latencyMs} #${i}`),
    );
    const received = world.sim.store.get(owner)?.messages.get(id)?.internalDate ?? Date.now();
    latencies.push((await seen.logged(id)) - received);
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
  seen.stop();
  const p99 = percentile(latencies, 99);
  return {
    samples: latencies.length,
    p50: round(percentile(latencies, 50), 1),
    p99: round(p99, 1),
    overheadP99: round(Math.max(0, p99 - 2 * latencyMs), 1),
  };
}

/**
 * One poller for every sample in flight (a single query every 2 ms), so that watching adds as
 * little as it can to the load it measures; resolves with the time a mail's activity was seen.
 */
export function watchActivities(world: World) {
  const waiting = new Map<string, (at: number) => void>();
  let running = true;
  void (async () => {
    while (running) {
      if (waiting.size > 0) {
        const { rows } = await world.pool.query<{ id: string }>(
          'select gmail_message_id as id from activities where gmail_message_id = any($1)',
          [[...waiting.keys()]],
        );
        const at = Date.now();
        for (const { id } of rows) {
          waiting.get(id)?.(at);
          waiting.delete(id);
        }
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    logged: (id: string) =>
      new Promise<number>((resolve, reject) => {
        waiting.set(id, resolve);
        setTimeout(
          () => reject(new Error('a pushed mail was not logged within 30 s')),
          30_000,
        ).unref();
      }),
    stop: () => {
      running = false;
    },
  };
}
