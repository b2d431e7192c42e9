// bench/chaos.json: the outcomes of the last full run, and in place of a scenario's rows those of a
// later run of that scenario alone (`--record`), each such row with its own date.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Outcome } from './scenario.ts';

const RECORD = path.resolve(import.meta.dirname, '../chaos.json');

interface ChaosRecord {
  date: string;
  scenarios: (Outcome & { date?: string })[];
}

/** The scenario a row is a run of: "name (run 2/3)" is a run of "name". */
const scenarioOf = (row: { scenario: string }) => row.scenario.replace(/ \(run \d+\/\d+\)$/, '');

export async function writeRecord(outcomes: Outcome[], partial: boolean): Promise<void> {
  const date = new Date().toISOString();
  let record: ChaosRecord = { date, scenarios: outcomes };
  if (partial) {
    const old = JSON.parse(await readFile(RECORD, 'utf8')) as ChaosRecord;
    const ran = new Set(outcomes.map(scenarioOf));
    const first = old.scenarios.findIndex((row) => ran.has(scenarioOf(row)));
    const kept = old.scenarios.filter((row) => !ran.has(scenarioOf(row)));
    const at = first === -1 ? kept.length : first;
    const rows = outcomes.map((o) => ({ ...o, date }));
    record = { date: old.date, scenarios: [...kept.slice(0, at), ...rows, ...kept.slice(at)] };
  }
  await writeFile(RECORD, `${JSON.stringify(record, null, 2)}\n`);
}
