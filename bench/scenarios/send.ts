// Scenario 7, sending: one mailbox sending within its quota (a send costs 100 units).
import { percentile, round } from '../measure.ts';
import type { World } from '../world.ts';

export async function sendRate(world: World, user: { sub: string; org: string }, count: number) {
  await world.simControl('faults', { reset: true }, 'PUT');
  const token = await world.token(user.sub, user.org);
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
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
    latencies.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    sends: count,
    perSecond: round(count / seconds),
    p99: round(percentile(latencies, 99), 1),
  };
}
