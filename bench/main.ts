// `npm run bench`: the benchmarks, side by side in one run on the simulator and a real PostgreSQL,
// against the seed-faithful baseline and against Gmail's quota. Prints one table and writes
// bench/results.json. Sizes are chosen to finish in a few minutes on a 2-core machine; every figure
// is a rate or a ratio measured in this run.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { peakRssMb, round } from './measure.ts';
import { backfill } from './scenarios/backfill.ts';
import { fanout } from './scenarios/fanout.ts';
import { pushIngest } from './scenarios/ingest.ts';
import { pushLatency } from './scenarios/latency.ts';
import { addQuietMailboxes, pollSweep } from './scenarios/poll-sweep.ts';
import { sendRate } from './scenarios/send.ts';
import { quiesce, startWorld } from './world.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  say('backfill, 2026 quota profile …');
  const b26 = await backfill('2026', 750, 30);
  say('backfill, 2025 quota profile …');
  const b25 = await backfill('2025', 2_500, 30);

  say('many mailboxes, latency, ingest, poll sweep, memory, send …');
  const fleet = await fleetScenarios();

  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memory_gb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    backfill_msgs_per_s: b26.service.perSecond,
    backfill_quota_ratio: round(b26.service.perSecond / b26.quotaBoundPerSecond),
    backfill_vs_baseline: round(b26.service.perSecond / Math.max(0.001, b26.baseline.perSecond)),
    backfill_429: b26.service.rateLimited,
    units_per_logged_mail: round(b26.service.units / Math.max(1, b26.service.logged) / 20, 2),
    backfill_2025: {
      msgs_per_s: b25.service.perSecond,
      quota_ratio: round(b25.service.perSecond / b25.quotaBoundPerSecond),
      vs_baseline: round(b25.service.perSecond / Math.max(0.001, b25.baseline.perSecond)),
      rate_limited: b25.service.rateLimited,
    },
    fanout_activities_per_s: fleet.fan.perSecond,
    fanout_vs_pg_insert: round(fleet.fan.perSecond / fleet.fan.pgInsertPerSecond, 3),
    latency_p50_ms_20: fleet.lat20.p50,
    latency_p99_ms_20: fleet.lat20.p99,
    latency_p50_ms_100: fleet.lat100.p50,
    latency_p99_ms_100: fleet.lat100.p99,
    overhead_p99_ms: fleet.lat100.overheadP99,
    ingest_per_s: fleet.ingest.perSecond,
    ingest_ack_p99_ms: fleet.ingest.p99,
    ingest_non_2xx: fleet.ingest.non2xx,
    poll_sweep_s_10k: fleet.sweep.seconds,
    poll_sweep_worker_cpu_s_10k: fleet.sweep.workerCpuSeconds,
    rss_mb_web: fleet.rssWeb,
    rss_mb_worker: fleet.rssWorker,
    send_per_s: fleet.send.perSecond,
    send_p99_ms: fleet.send.p99,
    detail: { backfill_2026: b26, backfill_2025: b25, fanout: fleet.fan, ingest: fleet.ingest },
  };
  await writeFile(
    path.resolve(import.meta.dirname, 'results.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  printTable(results, b26, b25);
  say(
    `\nfinished in ${Math.round((Date.now() - started) / 1000)} s; figures in bench/results.json`,
  );
}

/** Scenarios 2 to 7 share one world: 50 connected mailboxes, then 10,000 quiet ones. */
async function fleetScenarios() {
  // The 2025 quota profile (50 messages.get a second per mailbox), so fan-out measures the service
  // and PostgreSQL rather than Gmail's per-user limit.
  const world = await startWorld({ env: { GMAIL_QUOTA_PROFILE: '2025' } });
  try {
    const org = 'org-fleet';
    for (let i = 0; i < 50; i++) {
      await world.pool.query(`insert into contacts (org_id, name, email) values ($1, $2, $2)`, [
        org,
        `contact${i}@customer.test`,
      ]);
    }
    const owners = Array.from({ length: 50 }, (_, i) => `rep${i}@vendor.test`);
    for (let i = 0; i < owners.length; i += 10) {
      await Promise.all(owners.slice(i, i + 10).map((o, j) => world.connect(`u-${i + j}`, org, o)));
    }
    await quiesce(world.pool);
    const lat20 = await pushLatency(world, owners[0] as string, 20, 25);
    const lat100 = await pushLatency(world, owners[1] as string, 100, 25);
    const fan = await fanout(world, owners, 20);
    const ingest = await pushIngest(world, owners, 5_000);
    await quiesce(world.pool, 300_000);
    await addQuietMailboxes(world, 10_000);
    const sweep = await pollSweep(world, world.processes.get('worker-0')?.pid);
    const send = await sendRate(world, { sub: 'u-2', org }, 5);
    return {
      lat20,
      lat100,
      fan,
      ingest,
      sweep,
      send,
      rssWeb: await peakRssMb(world.processes.get('web')?.pid),
      rssWorker: await peakRssMb(world.processes.get('worker-0')?.pid),
    };
  } finally {
    await world.close();
  }
}

function printTable(
  r: Record<string, unknown>,
  b26: Awaited<ReturnType<typeof backfill>>,
  b25: Awaited<ReturnType<typeof backfill>>,
): void {
  const rows: [string, string, string][] = [
    [
      'backfill 2026 (150 of 750 match, 100 ms/call)',
      `${b26.service.perSecond} mails/s`,
      `${r.backfill_quota_ratio}× quota bound (${b26.quotaBoundPerSecond}/s), ${r.backfill_vs_baseline}× baseline (${b26.baseline.perSecond}/s), ${b26.service.rateLimited} 429s`,
    ],
    [
      'quota units per logged mail (2026)',
      `${r.units_per_logged_mail} messages.get-worths`,
      'target ≤ 1.5',
    ],
    [
      'backfill 2025 (500 of 2,500 match, 100 ms/call)',
      `${b25.service.perSecond} mails/s`,
      `${round(b25.service.perSecond / b25.quotaBoundPerSecond)}× quota bound (${b25.quotaBoundPerSecond}/s), ${round(b25.service.perSecond / Math.max(0.001, b25.baseline.perSecond))}× baseline (${b25.baseline.perSecond}/s)`,
    ],
    [
      'fan-out, 50 mailboxes × 20 pushed mails',
      `${r.fanout_activities_per_s} activities/s`,
      `${r.fanout_vs_pg_insert}× PostgreSQL's own insert rate`,
    ],
    [
      'push → activity, 20 ms/call',
      `p50 ${r.latency_p50_ms_20} ms`,
      `p99 ${r.latency_p99_ms_20} ms`,
    ],
    [
      'push → activity, 100 ms/call',
      `p50 ${r.latency_p50_ms_100} ms`,
      `p99 ${r.latency_p99_ms_100} ms; overhead p99 ${r.overhead_p99_ms} ms`,
    ],
    [
      'push ingest, concurrency 64',
      `${r.ingest_per_s} acks/s`,
      `ack p99 ${r.ingest_ack_p99_ms} ms, ${r.ingest_non_2xx} non-2xx`,
    ],
    [
      'poll sweep, 10,000 quiet mailboxes',
      `${r.poll_sweep_s_10k} s wall`,
      `${r.poll_sweep_worker_cpu_s_10k} s worker CPU`,
    ],
    ['peak RSS (10,000 mailboxes)', `web ${r.rss_mb_web} MB`, `worker ${r.rss_mb_worker} MB`],
    [
      'send, one mailbox within quota',
      `${r.send_per_s} sends/s`,
      `p99 ${r.send_p99_ms} ms (a send costs 100 quota units)`,
    ],
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  say('');
  for (const row of rows) say(row.map((c, i) => c.padEnd(w[i] ?? 0)).join('  │  '));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
