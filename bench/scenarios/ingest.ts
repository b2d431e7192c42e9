// Scenario 4, push ingest: signed Pub/Sub pushes at concurrency 64 against one web process, each
// naming a historyId the mailbox has not seen (so each is news and may queue a sync). The load comes
// from a lean keep-alive HTTP client so that the client, on the same two cores, takes as little as
// it can from the server it measures.
import http from 'node:http';
import { percentile, round } from '../measure.ts';
import type { World } from '../world.ts';

export async function pushIngest(world: World, owners: string[], total: number, concurrency = 64) {
  const endpoint = new URL(`${world.webUrl}/pubsub/gmail`);
  const { token } = (await world.simControl('oidc-token', { aud: endpoint.href })) as {
    token: string;
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const base = 2_000_000_000;
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: endpoint.hostname,
          port: endpoint.port,
          path: endpoint.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const client = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const data = Buffer.from(
        JSON.stringify({ emailAddress: owners[i % owners.length], historyId: String(base + i) }),
      ).toString('base64');
      const body = JSON.stringify({
        message: { data, messageId: String(i), publishTime: new Date().toISOString() },
        subscription: 'projects/sim/subscriptions/gmail-push',
      });
      const t0 = performance.now();
      const status = await post(body).catch(() => 0);
      latencies.push(performance.now() - t0);
      if (status < 200 || status > 299) failures += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    total,
    perSecond: round(total / seconds),
    p50: round(percentile(latencies, 50), 1),
    p99: round(percentile(latencies, 99), 1),
    non2xx: failures,
  };
}
