// Scenario 3, push → activity latency: one mail at a time, from the moment Gmail has it to the
// moment its activity is committed, with the simulator at a given latency per Gmail call. The path
// needs two Gmail round trips (history.list, messages.get); overhead is what is left.
import { percentile, round } from '../measure.ts';
import { quiesce, type World } from '../world.ts';
import { raw } from './fixtures.ts';

export async function pushLatency(world: World, owner: string, latencyMs: number, samples: number) {
  await world.simControl(
    'faults',
    { reset: true, latency_ms: latencyMs, quota_units_per_sec: 1_000_000 },
    'PUT',
  );
  await quiesce(world.pool);
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const { id } = await world.deliver(
      owner,
      raw('contact0@customer.test', owner, `latency ${latencyMs} #${i}`),
    );
    for (;;) {
      const { rows } = await world.pool.query(
        'select 1 from activities where gmail_message_id = $1',
        [id],
      );
      if (rows.length > 0) break;
      if (performance.now() - t0 > 30_000)
        throw new Error('a pushed mail was not logged within 30 s');
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(performance.now() - t0);
    // Spaced so the mailbox's quota bucket has refilled: this measures latency, not pacing.
    await new Promise((r) => setTimeout(r, 400));
  }
  const gmailFloor = 2 * latencyMs;
  return {
    p50: round(percentile(latencies, 50), 1),
    p99: round(percentile(latencies, 99), 1),
    overheadP99: round(Math.max(0, percentile(latencies, 99) - gmailFloor), 1),
  };
}
