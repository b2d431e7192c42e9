// Scenario 4, push ingest: signed Pub/Sub pushes at concurrency 64 against one web process.
import { percentile, round } from '../measure.ts';
import type { World } from '../world.ts';

export async function pushIngest(world: World, owners: string[], total: number, concurrency = 64) {
  const audience = `${world.webUrl}/pubsub/gmail`;
  const { token } = (await world.simControl('oidc-token', { aud: audience })) as { token: string };
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const base = 2_000_000_000;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const owner = owners[i % owners.length];
      const data = Buffer.from(
        JSON.stringify({ emailAddress: owner, historyId: String(base + i) }),
      ).toString('base64');
      const t0 = performance.now();
      const res = await fetch(audience, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ message: { data, messageId: String(i) }, subscription: 'bench' }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 204) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    total,
    perSecond: round(total / seconds),
    p99: round(percentile(latencies, 99), 1),
    non2xx: failures,
  };
}
