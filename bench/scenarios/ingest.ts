// Scenario 4, push ingest: signed Pub/Sub pushes at concurrency 64 against one web process, each
// naming a historyId the mailbox has not seen (so each is news and may queue a sync). The load comes
// from a lean keep-alive HTTP client so that the client, on the same two cores, takes as little as
// it can from the server it measures. The web process is measured alone (the worker paused, as it
// runs on other machines in production), then with the worker syncing on the same cores. For
// scale, the same client drives a bare Node.js HTTP server that reads each body and answers 204:
// the most any Node.js web process does here.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { findFreePort } from '../../src/db/embedded-postgres.ts';
import { type CpuSplit, cpuDiff, cpuSplit, percentile, round } from '../measure.ts';
import type { World } from '../world.ts';

export async function pushIngest(world: World, owners: string[], total: number, concurrency = 64) {
  const endpoint = new URL(`${world.webUrl}/pubsub/gmail`);
  const { token } = (await world.simControl('oidc-token', { aud: endpoint.href })) as {
    token: string;
  };
  // The web process alone first, as it is deployed apart from the workers: the worker is paused
  // (its syncs would take the same two cores); the first push of each mailbox queues its sync.
  const worker = world.processes.get('worker-0');
  worker?.kill('SIGSTOP');
  const cpuBefore = await cpuSplit(world);
  let service: Awaited<ReturnType<typeof drive>>;
  let cpuSeconds: CpuSplit;
  try {
    service = await drive(endpoint, token, owners, total, concurrency, 0);
    cpuSeconds = cpuDiff(await cpuSplit(world), cpuBefore);
  } finally {
    worker?.kill('SIGCONT');
  }
  // Then everything on the same cores: each push is news, and the worker syncs as they come.
  const colocated = await drive(endpoint, token, owners, total, concurrency, total);
  const bare = await withBareServer((url) => drive(url, token, owners, total, concurrency, 0));
  return {
    ...service,
    cpuSeconds,
    colocatedPerSecond: colocated.perSecond,
    colocatedP99: colocated.p99,
    bareNodePerSecond: bare.perSecond,
    bareNodeP99: bare.p99,
  };
}

async function drive(
  endpoint: URL,
  token: string,
  owners: string[],
  total: number,
  concurrency: number,
  /** Added to each historyId so that every run's pushes are news. */
  offset: number,
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
        JSON.stringify({
          emailAddress: owners[i % owners.length],
          historyId: String(base + offset + i),
        }),
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
