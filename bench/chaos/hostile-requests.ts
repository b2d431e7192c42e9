// Issue 27's "done when": a run that delivers the hostile corpus and sends the hostile requests to
// processes with the Dockerfile's 256 MB heap, while /healthz is asked every 100 ms and must answer
// within 2 s throughout. The web and the worker are watched alike (the worker serves /healthz on
// its own port); their peak heap is read from /metrics. Requests that once froze or crashed the
// web process: 41.9 MB of {"cc":[{},…]}, 400,000 nested <div>s and 65,000 blank lines sent, a
// 4.8 M-character text sent, four 200-item timelines at once, ?full=1 on 3.3 MB of nested <div>s,
// JSON nested 20,000 deep, 30 "record changed" calls in a burst.
import { Worker } from 'node:worker_threads';
import { deliveryBody, hostileMails } from '../../test/support/hostile-mail.ts';
import { quiesce, type World } from '../world.ts';
import type { Scenario, Tally } from './scenario.ts';

const HEALTH_LIMIT_MS = 2_000;

interface Watched {
  samples: number;
  maxMs: number;
  slow: number;
  failures: number;
  peakHeapMb: number;
  /** When each answer over the limit was asked for (UTC time) and how long it took. */
  slowAt: string[];
}

// The watcher runs in a thread of its own: the simulator shares this process's event loop, and a
// large delivery it parses must not be counted as the service's latency.
const WATCHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { baseUrl, limitMs } = workerData;
let running = true;
const latencies = [];
const slowAt = [];
let failures = 0;
let peakHeap = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
parentPort.on('message', () => { running = false; });
const health = (async () => {
  while (running) {
    const started = performance.now();
    const ok = await fetch(baseUrl + '/healthz', { signal: AbortSignal.timeout(10000) }).then((r) => r.ok, () => false);
    const ms = performance.now() - started;
    latencies.push(ms);
    if (ms > limitMs) slowAt.push(new Date(Date.now() - ms).toISOString().slice(11, 23) + ' +' + Math.round(ms) + 'ms');
    if (!ok) failures += 1;
    await sleep(100);
  }
})();
const heap = (async () => {
  while (running) {
    const text = await fetch(baseUrl + '/metrics').then((r) => r.text(), () => '');
    const used = /^nodejs_heap_size_used_bytes (\\S+)$/m.exec(text);
    if (used) peakHeap = Math.max(peakHeap, Number(used[1]));
    await sleep(500);
  }
})();
Promise.all([health, heap]).then(() => parentPort.postMessage({
  samples: latencies.length,
  maxMs: Math.round(Math.max(0, ...latencies)),
  slow: latencies.filter((ms) => ms > limitMs).length,
  slowAt,
  failures,
  peakHeapMb: Math.round(peakHeap / 1024 / 1024),
}));
`;

/** Asks /healthz every 100 ms and /metrics every 500 ms, from its own thread, until stopped. */
function watch(baseUrl: string): { stop(): Promise<Watched> } {
  const worker = new Worker(WATCHER, {
    eval: true,
    workerData: { baseUrl, limitMs: HEALTH_LIMIT_MS },
  });
  const result = new Promise<Watched>((resolve) => worker.once('message', resolve));
  return {
    async stop() {
      worker.postMessage('stop');
      const watched = await result;
      await worker.terminate();
      return watched;
    },
  };
}

/** The bodies that once froze or crashed the web process, each with the status it must get now. */
async function hostileRequests(w: World, org: string, client: string, tally: Tally) {
  const auth = { authorization: `Bearer ${await w.token('u-0', org)}` };
  let key = 0;
  const steps: string[] = [];
  const stamp = (what: string) => steps.push(`${new Date().toISOString().slice(11, 23)} ${what}`);
  const send = (body: string | Buffer) =>
    fetch(`${w.webUrl}/integrations/gmail/send`, {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/json',
        'idempotency-key': `hostile-${++key}`,
      },
      body,
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  const items = 13_960_000;
  // {"cc":[{},{},…,{}]}: 41.9 MB, under the 40 MiB byte limit.
  const ccBomb = Buffer.concat([
    Buffer.from('{"cc":['),
    Buffer.alloc(items * 3 - 1, '{},'),
    Buffer.from(']}'),
  ]);
  const mail = (extra: Record<string, unknown>) =>
    JSON.stringify({ to: [client], subject: `hostile send ${key + 1}`, ...extra });
  const timed = async (what: string, run: () => Promise<number>) => {
    stamp(`${what} asked`);
    const status = await run();
    stamp(`${what} answered`);
    return status;
  };
  const answers: Record<string, [number, number]> = {
    'cc bomb (41.9 MB)': [await timed('cc bomb', () => send(ccBomb)), 413],
    '400,000 nested divs': [
      await timed('divs', () => send(mail({ html: `<p>Hi</p>${'<div>'.repeat(400_000)}` }))),
      201,
    ],
    '65,000 blank lines': [
      await timed('blank', () => send(mail({ text: `Hi${'\n'.repeat(65_000)}Bye` }))),
      201,
    ],
    '4.8 M characters': [
      await timed('4.8M', () => send(mail({ text: 'All the terms. '.repeat(320_000) }))),
      201,
    ],
  };
  const deep = await fetch(`${w.webUrl}/integrations/gmail/settings`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: '['.repeat(20_000),
  });
  answers['JSON nested 20,000 deep'] = [deep.status, 413];
  const { rows } = await w.pool.query<{ id: string }>('select id from contacts where email = $1', [
    client,
  ]);
  const timeline = `${w.webUrl}/activities?entity_type=contact&entity_id=${rows[0]?.id}&limit=200`;
  const pages = await Promise.all(
    [1, 2, 3, 4].map(() => fetch(timeline, { headers: auth }).then((r) => r.text())),
  );
  tally.note('timeline_page_kb', Math.round(Math.max(...pages.map((p) => p.length)) / 1024));
  const nested = await w.pool.query<{ id: string }>(
    `select id from activities where email_subject like 'hostile nested%' limit 1`,
  );
  if (!nested.rows[0]) {
    const { rows: subjects } = await w.pool.query<{ s: string }>(
      `select email_subject as s from activities where email_subject like 'hostile%'`,
    );
    tally.violation(
      `the nested-div mail was not logged (logged: ${subjects.map((r) => r.s).join(', ')})`,
    );
  }
  const full = await fetch(`${w.webUrl}/activities/${nested.rows[0]?.id}?full=1`, {
    headers: auth,
  });
  answers['?full=1 on 3.3 MB of nested divs'] = [full.status, 200];
  await full.arrayBuffer();
  const changed: number[] = [];
  for (let i = 0; i < 30; i++) {
    const res = await fetch(`${w.webUrl}/crm/entities/changed`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ entity_type: 'contact', entity_id: rows[0]?.id }),
    });
    changed.push(res.status);
  }
  answers['30 record changes in a burst: the last one'] = [changed.at(-1) ?? 0, 429];
  for (const [what, [got, want]] of Object.entries(answers)) {
    if (got !== want) tally.violation(`${what}: answered ${got}, expected ${want}`);
  }
  tally.note('steps', steps);
  tally.note('requests', Object.fromEntries(Object.entries(answers).map(([k, [got]]) => [k, got])));
}

export function hostileRequestScenarios(
  mailboxes: string[],
  client: string,
  org: string,
): Scenario[] {
  return [
    {
      name: 'hostile mail and requests, /healthz watched (256 MB heap)',
      mails: 30,
      countBlocked: true,
      async run(w, send, tally) {
        const web = watch(w.webUrl);
        const worker = watch(`http://127.0.0.1:${w.ports.get('worker-0')}`);
        for (const [i, owner] of mailboxes.entries()) {
          for (const m of hostileMails({ contact: client, owner, withoutHugePart: i > 0 })) {
            await w.simControl(
              `mailboxes/${encodeURIComponent(owner)}/deliver`,
              deliveryBody(m.raw),
            );
          }
        }
        tally.note('delivery_started', new Date().toISOString().slice(11, 23));
        await send(15);
        await quiesce(w.pool, 300_000);
        tally.note('requests_started', new Date().toISOString().slice(11, 23));
        await hostileRequests(w, org, client, tally);
        await send(15);
        await quiesce(w.pool, 300_000);
        for (const [name, watched] of [
          ['web', await web.stop()],
          ['worker', await worker.stop()],
        ] as const) {
          tally.note(`${name}_health`, watched);
          if (watched.slow > 0 || watched.failures > 0) {
            tally.violation(
              `${name} /healthz: ${watched.slow} answers over ${HEALTH_LIMIT_MS} ms (max ${watched.maxMs} ms), ${watched.failures} failed`,
            );
          }
        }
      },
    },
  ];
}
