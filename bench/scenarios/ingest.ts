// Scenario 4, push ingest: signed Pub/Sub pushes at concurrency 64 against one web process, each
// naming a historyId the mailbox has not seen (so each is news and may queue a sync). The load comes
// from a lean keep-alive HTTP client so that the client, on the same two cores, takes as little as
// it can from the server it measures. For scale, the same client then drives a bare Node.js HTTP
// server that reads each body and answers 204 — the most any Node.js web process does here.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { findFreePort } from '../../src/db/embedded-postgres.ts';
import { percentile, round } from '../measure.ts';
import type { World } from '../world.ts';

export async function pushIngest(world: World, owners: string[], total: number, concurrency = 64) {
  const endpoint = new URL(`${world.webUrl}/pubsub/gmail`);
  const { token } = (await world.simControl('oidc-token', { aud: endpoint.href })) as {
    token: string;
  };
  const service = await drive(endpoint, token, owners, total, concurrency);
  const bare = await withBareServer((url) => drive(url, token, owners, total, concurrency));
  return { ...service, bareNodePerSecond: bare.perSecond, bareNodeP99: bare.p99 };
}

async function drive(
  endpoint: URL,
  token: string,
  owners: string[],
  total: number,
  concurrency: number,
) {
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

/** A bare Node.js HTTP server in its own process: reads the body, answers 204. */
async function withBareServer<T>(run: (url: URL) => Promise<T>): Promise<T> {
  const port = await findFreePort();
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { res.statusCode = 204; res.end(); }); }).listen(${port}, '127.0.0.1', () => process.stdout.write('ready'));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  try {
    return await run(new URL(`http://127.0.0.1:${port}/pubsub/gmail`));
  } finally {
    child.kill();
  }
}
