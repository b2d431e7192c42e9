// The simulator must not be what limits a benchmark: it should serve well over 2,000
// messages.get a second on this machine (quota lifted). Prints the figure.
import { google } from 'googleapis';
import { startSimulator } from '../sim/index.ts';
import { gmailClient } from './scenarios/fixtures.ts';

const sim = await startSimulator({ port: 0 });
const owner = 'throughput@sim.test';
await fetch(`${sim.baseUrl}/__sim/faults`, {
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ quota_units_per_sec: 1e9 }),
});
const world = { sim, pool: { query: async () => ({ rows: [] }) } } as unknown as Parameters<
  typeof gmailClient
>[0];
const { auth } = await gmailClient(world, owner);
const gmail = google.gmail({ version: 'v1', auth, rootUrl: `${sim.baseUrl}/`, retry: false });
const ids: string[] = [];
for (let i = 0; i < 200; i++) {
  const res = await fetch(`${sim.baseUrl}/__sim/mailboxes/${owner}/deliver`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      raw: `From: a@b.test\r\nTo: ${owner}\r\nSubject: m${i}\r\n\r\n${'body '.repeat(200)}`,
    }),
  });
  ids.push(((await res.json()) as { id: string }).id);
}
const total = 10_000;
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (next < total) {
      const id = ids[next++ % ids.length] as string;
      await gmail.users.messages.get({ userId: 'me', id, format: 'full' });
    }
  }),
);
const perSecond = total / ((performance.now() - started) / 1000);
process.stdout.write(
  `simulator: ${Math.round(perSecond)} messages.get/s (format=full, 64 concurrent, googleapis client in the same process)\n`,
);
await sim.close();
