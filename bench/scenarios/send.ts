// Scenario 7, sending through one mailbox: back to back, as fast as its quota lets it (a send
// costs 100 units), for the rate — timed after the first second's sends, which Gmail's bucket (and
// ours) allows at once; then one every `1 / (half the quota rate)` seconds, so no send waits for
// quota, for the latency of a send itself.
import { percentile, round } from '../measure.ts';
import type { World } from '../world.ts';

export async function sendRate(
  world: World,
  user: { sub: string; org: string },
  opts: { count: number; unitsPerSecond: number },
) {
  await world.setFaults({});
  const token = await world.token(user.sub, user.org);
  const send = async (i: number) => {
    const t0 = performance.now();
    const res = await fetch(`${world.webUrl}/integrations/gmail/send`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `bench-${i}-${Date.now()}`,
      },
      body: JSON.stringify({
        to: ['contact1@customer.test'],
        subject: `Bench ${i}`,
        text: 'Hello from the benchmark.',
      }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`send answered ${res.status}`);
    return performance.now() - t0;
  };

  const burst = Math.floor(opts.unitsPerSecond / 100);
  for (let i = 0; i < burst; i++) await send(i);
  const started = performance.now();
  for (let i = burst; i < burst + opts.count; i++) await send(i);
  const perSecond = opts.count / ((performance.now() - started) / 1000);

  const spacingMs = (2 * 100 * 1000) / opts.unitsPerSecond;
  const latencies: number[] = [];
  for (let i = 0; i < opts.count; i++) {
    await new Promise((r) => setTimeout(r, spacingMs));
    latencies.push(await send(burst + opts.count + i));
  }
  return {
    sends: burst + 2 * opts.count,
    perSecond: round(perSecond),
    quotaBoundPerSecond: round(opts.unitsPerSecond / 100),
    p50: round(percentile(latencies, 50), 1),
    p99: round(percentile(latencies, 99), 1),
  };
}
