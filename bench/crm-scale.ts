// `npm run bench -- --only day --crm-size 100,100000`: the salesperson's day at each CRM size, each
// quota profile and each method (`--profiles 2026,2025`, `--methods scope,whole`), a world each,
// one after another. Each row: units a mailbox-day (the audit's among them), mail lost, false
// positives (activities no CRM mail asked for), mail fetched and not logged, first-mail latency
// p50/p99, in-thread latency p50, and what connecting the mailbox cost. Every finished row is
// written into bench/crm-scale.json at once (keyed by size, profile and method), so rows from
// separate runs add up; the table is printed from the file.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DayResult, type DayScale, mailboxDay } from './scenarios/mailbox-day.ts';

const FILE = path.resolve(import.meta.dirname, 'crm-scale.json');
/** The method before issue 28: the whole CRM searched, or every new mail fetched when it is large. */
const WHOLE_CRM = 1_000_000;

export interface ScaleRow {
  crm_size: number;
  profile: '2026' | '2025';
  method: string;
  units_per_mailbox_day: number;
  audit_units: number;
  units_by_source: Record<string, number>;
  lost: number;
  duplicated: number;
  false_positives: number;
  fetched_not_logged: number;
  first_mail_ms: { p50: number; p99: number; samples: number };
  thread_mail_p50_ms: number;
  connection_units: number;
  date: string;
}

export async function crmScale(
  sizes: number[],
  profiles: ('2026' | '2025')[],
  methods: string[],
  say: (line: string) => void,
): Promise<void> {
  for (const size of sizes)
    for (const profile of profiles)
      for (const method of methods) {
        say(`the day at ${size.toLocaleString('en-US')} CRM addresses, ${profile}, ${method} …`);
        const scale: DayScale = {
          crmSize: size,
          profile,
          ...(method === 'whole' ? { fullCrmQueries: WHOLE_CRM } : {}),
        };
        const row = toRow(await mailboxDay({}, scale), size, profile, method);
        const all = await readRows();
        all[`${size}-${profile}-${method}`] = row;
        await writeFile(FILE, `${JSON.stringify(all, null, 2)}\n`);
        say(JSON.stringify(row));
      }
  printRows(Object.values(await readRows()), say);
}

async function readRows(): Promise<Record<string, ScaleRow>> {
  return JSON.parse(await readFile(FILE, 'utf8').catch(() => '{}')) as Record<string, ScaleRow>;
}

function toRow(d: DayResult, size: number, profile: '2026' | '2025', method: string): ScaleRow {
  const gets = d.callsByMethod['messages.get'] ?? 0;
  return {
    crm_size: size,
    profile,
    method,
    units_per_mailbox_day: d.units,
    audit_units: d.unitsBySource.audit,
    units_by_source: d.unitsBySource,
    lost: d.final.lost,
    duplicated: d.final.duplicated,
    false_positives: d.final.unexpected,
    fetched_not_logged: Math.max(0, Math.round(gets - d.final.logged)),
    first_mail_ms: {
      p50: d.latency.first.p50,
      p99: d.latency.first.p99,
      samples: d.latency.first.samples,
    },
    thread_mail_p50_ms: d.latency.thread.p50,
    connection_units: d.connectionUnits,
    date: d.date,
  };
}

export function printRows(rows: ScaleRow[], say: (line: string) => void): void {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const header = [
    'CRM addresses',
    'profile',
    'method',
    'units/mailbox-day (audit)',
    'lost',
    'false +',
    'fetched, not logged',
    'first mail p50 / p99',
    'in thread p50',
    'connection units',
  ];
  const lines = [...rows]
    .sort((a, b) => a.crm_size - b.crm_size || b.profile.localeCompare(a.profile))
    .map((r) => [
      fmt(r.crm_size),
      r.profile,
      r.method,
      `${fmt(r.units_per_mailbox_day)} (${fmt(r.audit_units)})`,
      String(r.lost),
      String(r.false_positives),
      String(r.fetched_not_logged),
      `${fmt(r.first_mail_ms.p50)} / ${fmt(r.first_mail_ms.p99)} ms`,
      `${fmt(r.thread_mail_p50_ms)} ms`,
      fmt(r.connection_units),
    ]);
  const table = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...table.map((l) => (l[i] ?? '').length)));
  for (const l of table) say(l.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ '));
}
