// The benchmark's figures: results.json's keys (named by the benchmark issue) from the scenarios'
// raw results, and the one table printed at the end, each row beside its target.
import { dayResults, dayRows } from './day-table.ts';
import { round } from './measure.ts';
import type { BackfillResult } from './scenarios/backfill.ts';
import { type CrmBulkResult, crmBulkRows } from './scenarios/crm-bulk.ts';
import type { fleet } from './scenarios/fleet.ts';
import type { DayResult } from './scenarios/mailbox-day.ts';

type Fleet = Awaited<ReturnType<typeof fleet>>;

/** Units a messages.get costs under each profile: what "units per logged mail" is counted in. */
const GET_UNITS = { '2026': 20, '2025': 5 } as const;

export function toResults(input: {
  b26: BackfillResult | undefined;
  b25: BackfillResult | undefined;
  fleet: Fleet | undefined;
  day?: DayResult | undefined;
  bulk?: CrmBulkResult | undefined;
  machine: Record<string, unknown>;
}) {
  const { b26, b25, fleet: f, day, bulk } = input;
  return {
    date: new Date().toISOString(),
    machine: input.machine,
    ...(b26 && {
      backfill_msgs_per_s: b26.service.perSecond,
      backfill_quota_ratio: round(b26.service.perSecond / b26.quotaBoundPerSecond),
      backfill_vs_baseline: vsBaseline(b26),
      backfill_429: b26.service.rateLimited,
      units_per_logged_mail: unitsPerMail(b26),
    }),
    ...(b25 && {
      backfill_2025: {
        msgs_per_s: b25.service.perSecond,
        quota_ratio: round(b25.service.perSecond / b25.quotaBoundPerSecond),
        vs_baseline: vsBaseline(b25),
        rate_limited: b25.service.rateLimited,
        units_per_logged_mail: unitsPerMail(b25),
      },
    }),
    ...(f?.fan && {
      fanout_activities_per_s: f.fan.perSecond,
      fanout_vs_pg_insert: round(f.fan.perSecond / f.fan.pgInsertPerSecond, 3),
    }),
    ...(f?.lat20 &&
      f.lat100 && {
        latency_p50_ms_20: f.lat20.p50,
        latency_p99_ms_20: f.lat20.p99,
        latency_p50_ms_100: f.lat100.p50,
        latency_p99_ms_100: f.lat100.p99,
        overhead_p99_ms: f.lat100.overheadP99,
      }),
    ...(f?.ingest && {
      ingest_per_s: f.ingest.perSecond,
      ingest_ack_p99_ms: f.ingest.p99,
      ingest_non_2xx: f.ingest.non2xx,
      ingest_colocated_per_s: f.ingest.colocatedPerSecond,
      ingest_colocated_ack_p99_ms: f.ingest.colocatedP99,
      ingest_bare_node_per_s: f.ingest.bareNodePerSecond,
    }),
    ...(f?.sweep && {
      poll_sweep_s_10k: f.sweep.seconds,
      poll_sweep_worker_cpu_s_10k: f.sweep.workerCpuSeconds,
    }),
    ...(f && {
      rss_mb_web: f.rss.web,
      rss_mb_worker: f.rss.worker,
      ...(f.rssAfterSweep && {
        rss_mb_web_after_sweep_10k: f.rssAfterSweep.web,
        rss_mb_worker_after_sweep_10k: f.rssAfterSweep.worker,
      }),
    }),
    ...(f?.send && {
      send_per_s: f.send.perSecond,
      send_quota_ratio: round(f.send.perSecond / f.send.quotaBoundPerSecond),
      send_p99_ms: f.send.p99,
    }),
    ...(day && dayResults(day)),
    ...(bulk && {
      crm_bulk_insert_ratio: bulk.insert.ratio,
      crm_bulk_update_ratio: bulk.update.ratio,
    }),
    detail: { backfill_2026: b26, backfill_2025: b25, fleet: f, mailbox_day: day, crm_bulk: bulk },
  };
}

export type Results = ReturnType<typeof toResults>;

const vsBaseline = (b: BackfillResult) =>
  round(b.service.perSecond / Math.max(0.001, b.baseline.perSecond));
const unitsPerMail = (b: BackfillResult) =>
  round(b.service.units / Math.max(1, b.service.logged) / GET_UNITS[b.profile], 2);

export function printTable(r: Results, say: (line: string) => void): void {
  const {
    backfill_2026: b26,
    backfill_2025: b25,
    fleet: f,
    mailbox_day: day,
    crm_bulk: bulk,
  } = r.detail;
  const rows: [string, string, string, string][] = [['scenario', 'measured', 'compared', 'target']];
  for (const b of [b26, b25]) {
    if (!b) continue;
    rows.push([
      `backfill ${b.profile} (${b.matched} of ${b.total} match, 100 ms/call)`,
      `${b.service.perSecond} mails/s, ${b.service.rateLimited} 429s`,
      `${round(b.service.perSecond / b.quotaBoundPerSecond)}× quota bound (${b.quotaBoundPerSecond}/s), ${vsBaseline(b)}× baseline (${b.baseline.perSecond}/s)`,
      '≥ 0.9× bound, 0 429s',
    ]);
    rows.push([
      `  quota units per logged mail (${b.profile})`,
      `${unitsPerMail(b)} messages.get-worths`,
      `${b.service.units} units for ${b.service.logged} mails`,
      '≤ 1.5',
    ]);
  }
  if (f?.fan)
    rows.push([
      `fan-out, 200 mailboxes × 50 pushed mails`,
      `${f.fan.perSecond} activities/s`,
      `${r.fanout_vs_pg_insert}× PostgreSQL's ${f.fan.pgInsertPerSecond}/s for the same writes`,
      '≥ 0.5×',
    ]);
  if (f?.fan)
    rows.push([
      '  CPU seconds during the fan-out',
      Object.entries(f.fan.cpuSeconds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      `over ${f.fan.seconds} s on ${r.machine.cpus} cores`,
      '',
    ]);
  if (f?.lat20 && f.lat100) {
    rows.push([
      'push → activity, 20 ms/call',
      `p50 ${f.lat20.p50} ms, p99 ${f.lat20.p99} ms`,
      `overhead p99 ${f.lat20.overheadP99} ms (${f.lat20.samples} samples)`,
      '',
    ]);
    rows.push([
      'push → activity, 100 ms/call',
      `p50 ${f.lat100.p50} ms, p99 ${f.lat100.p99} ms`,
      `overhead p99 ${f.lat100.overheadP99} ms (${f.lat100.samples} samples)`,
      'p50 ≤ 300, p99 ≤ 600, overhead ≤ 50',
    ]);
  }
  if (f?.ingest)
    rows.push([
      'push ingest, concurrency 64, one web process alone',
      `${f.ingest.perSecond} acks/s`,
      `ack p50 ${f.ingest.p50} ms, p99 ${f.ingest.p99} ms, ${f.ingest.non2xx} non-2xx`,
      '≥ 2,000/s, p99 ≤ 25 ms',
    ]);
  if (f?.ingest)
    rows.push([
      '  … with the worker syncing on the same 2 cores',
      `${f.ingest.colocatedPerSecond} acks/s`,
      `ack p99 ${f.ingest.colocatedP99} ms`,
      '',
    ]);
  if (f?.ingest)
    rows.push([
      '  CPU seconds during the ingest (web alone)',
      Object.entries(f.ingest.cpuSeconds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      `for ${f.ingest.total} pushes`,
      '',
    ]);
  if (f?.ingest)
    rows.push([
      '  a bare Node.js server answering 204, same client',
      `${f.ingest.bareNodePerSecond} answers/s`,
      `p99 ${f.ingest.bareNodeP99} ms: what any Node.js process reaches here`,
      '',
    ]);
  if (f?.sweep)
    rows.push([
      'poll sweep, 10,000 quiet mailboxes',
      `${f.sweep.seconds} s wall`,
      `${f.sweep.workerCpuSeconds} s worker CPU, ${f.sweep.transactions} transactions`,
      '≤ 30 s',
    ]);
  if (f) {
    rows.push([
      'peak RSS, 1,000 mailboxes under fan-out and ingest',
      `web ${f.rss.web} MB`,
      `worker ${f.rss.worker} MB`,
      '≤ 250 MB',
    ]);
    if (f.rssAfterSweep)
      rows.push([
        '  … and after the 10,000-mailbox sweep',
        `web ${f.rssAfterSweep.web} MB`,
        `worker ${f.rssAfterSweep.worker} MB`,
        '',
      ]);
  }
  if (f?.send)
    rows.push([
      'send, one mailbox (a send costs 100 units)',
      `${f.send.perSecond} sends/s`,
      `${r.send_quota_ratio}× quota bound; p99 ${f.send.p99} ms at half the bound`,
      '',
    ]);
  if (day) rows.push(...dayRows(day));
  if (bulk) rows.push(...crmBulkRows(bulk));
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  say('');
  for (const row of rows)
    say(
      row
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join(' │ ')
        .trimEnd(),
    );
}
