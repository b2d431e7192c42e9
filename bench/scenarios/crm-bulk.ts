// A CRM's bulk statement with and without our triggers (issue 28): 100,000 contacts inserted in one
// statement, then all of them given a new address in one statement, on the same table with the
// triggers enabled and disabled (the control), side by side, each order once a round, the fastest
// of each kept. Also what one statement left behind: change rows, records in them, retro_org jobs;
// and, for comparison, the per-row triggers this replaced on a tenth of the insert.
// test/crm/crm-bulk-triggers.test.ts runs it smaller on the suite's database and asserts the rows and jobs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { round } from '../measure.ts';

const TRIGGERS = ['contacts_created', 'contacts_changed'];

export interface Timing {
  withMs: number;
  withoutMs: number;
  ratio: number;
}

export interface CrmBulkResult {
  rows: number;
  insert: Timing;
  update: Timing;
  /** What a statement with the triggers left: change rows, records in them, retro_org jobs. */
  afterInsert: { changeRows: number; records: number; jobs: number };
  afterUpdate: { changeRows: number; records: number; jobs: number };
  /** For comparison, migrations/0005's per-row triggers (a job per row) on a smaller insert. */
  perRow?: Timing & { rows: number };
}

type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

/** Measures on a migrated database (graphile-worker's schema included). */
export async function measureCrmBulk(
  query: Query,
  opts: { rows: number; rounds: number },
): Promise<CrmBulkResult> {
  const insertMany = (org: string) =>
    query(
      `insert into contacts (org_id, name, email)
       select $1, 'Person ' || i, 'p' || i || '@bulk' || (i % 500) || '.test'
         from generate_series(1, $2) i`,
      [org, opts.rows],
    );
  const reset = async () => {
    await query('truncate crm_entity_changes');
    await query(`delete from graphile_worker._private_jobs`);
  };
  const left = async () => {
    const { rows } = await query(
      `select count(*)::int as change_rows, coalesce(sum(cardinality(entity_ids)), 0)::int as records,
              (select count(*)::int from graphile_worker.jobs where task_identifier = 'retro_org') as jobs
         from crm_entity_changes where org_id = 'org-bulk-with'`,
    );
    const r = rows[0] as { change_rows: number; records: number; jobs: number };
    return { changeRows: r.change_rows, records: r.records, jobs: r.jobs };
  };

  async function sideBySide(
    prepare: (org: string) => Promise<unknown>,
    run: (org: string) => Promise<unknown>,
  ) {
    const best = { with: Number.POSITIVE_INFINITY, without: Number.POSITIVE_INFINITY };
    let written = { changeRows: 0, records: 0, jobs: 0 };
    for (let round = 0; round < opts.rounds; round++) {
      // Each order in turn: what a table's second statement pays (a warm cache, a bigger file) evens out.
      const modes =
        round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const);
      for (const mode of modes) {
        await query('truncate contacts cascade');
        await reset();
        const org = `org-bulk-${mode}`;
        await prepare(org);
        await reset();
        await query('vacuum analyze contacts');
        await query('checkpoint');
        const action = mode === 'with' ? 'enable' : 'disable';
        for (const t of TRIGGERS) await query(`alter table contacts ${action} trigger ${t}`);
        try {
          const started = performance.now();
          await run(org);
          best[mode] = Math.min(best[mode], performance.now() - started);
        } finally {
          if (mode === 'with') written = await left();
          for (const t of TRIGGERS) await query(`alter table contacts enable trigger ${t}`);
        }
      }
    }
    const timing: Timing = {
      withMs: Math.round(best.with),
      withoutMs: Math.round(best.without),
      ratio: round(best.with / best.without),
    };
    return { timing, written };
  }

  const inserted = await sideBySide(async () => undefined, insertMany);
  const updated = await sideBySide(insertMany, (org) =>
    query(`update contacts set email = 'new.' || email where org_id = $1`, [org]),
  );
  await query('truncate contacts cascade');
  await reset();
  return {
    rows: opts.rows,
    insert: inserted.timing,
    update: updated.timing,
    afterInsert: inserted.written,
    afterUpdate: updated.written,
  };
}

/** The per-row trigger this replaced (migrations/0005), on the insert only. */
const PER_ROW_TRIGGER = `
  CREATE FUNCTION crm_entity_changed_per_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO crm_entity_changes (org_id, entity_type, entity_ids)
      VALUES (NEW.org_id, TG_ARGV[0], ARRAY[NEW.id]);
    PERFORM graphile_worker.add_job('retro_org', json_build_object('org_id', NEW.org_id),
      job_key => 'retro:' || NEW.org_id, max_attempts => 10);
    RETURN NULL;
  END $$;
  CREATE TRIGGER contacts_created_per_row AFTER INSERT ON contacts FOR EACH ROW
    WHEN (NEW.email IS NOT NULL AND NEW.email <> '')
    EXECUTE FUNCTION crm_entity_changed_per_row('contact');`;

/** An insert of `rows` contacts with the per-row trigger in place of ours, and without any. */
async function measurePerRow(query: Query, rows: number): Promise<Timing & { rows: number }> {
  const insert = () =>
    query(
      `insert into contacts (org_id, name, email)
       select 'org-per-row', 'Person ' || i, 'p' || i || '@bulk' || (i % 500) || '.test'
         from generate_series(1, $1) i`,
      [rows],
    );
  const run = async () => {
    await query('truncate contacts cascade');
    await query('truncate crm_entity_changes');
    await query('checkpoint');
    const started = performance.now();
    await insert();
    return performance.now() - started;
  };
  for (const t of TRIGGERS) await query(`alter table contacts disable trigger ${t}`);
  try {
    const withoutMs = await run();
    await query(PER_ROW_TRIGGER);
    const withMs = await run();
    await query('drop function crm_entity_changed_per_row() cascade');
    await query('truncate contacts cascade');
    await query('truncate crm_entity_changes');
    await query('delete from graphile_worker._private_jobs');
    return {
      rows,
      withMs: Math.round(withMs),
      withoutMs: Math.round(withoutMs),
      ratio: round(withMs / withoutMs),
    };
  } finally {
    for (const t of TRIGGERS) await query(`alter table contacts enable trigger ${t}`);
  }
}

/** The bench's run: its own durable embedded PostgreSQL, as production writes. */
export async function crmBulk(rows = 100_000): Promise<CrmBulkResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gmail-sync-crm-bulk-'));
  const postgres = await startEmbeddedPostgres({ dir, durable: true });
  const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
  try {
    await migrateDatabase(postgres.url);
    const query: Query = (text, values) => pool.query(text, values);
    const result = await measureCrmBulk(query, { rows, rounds: 3 });
    return { ...result, perRow: await measurePerRow(query, rows / 10) };
  } finally {
    await pool.end();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export function crmBulkRows(r: CrmBulkResult): [string, string, string, string][] {
  const n = r.rows.toLocaleString('en-US');
  return [
    [
      `CRM bulk insert, ${n} contacts in one statement`,
      `${r.insert.ratio}× the time without our triggers`,
      `${r.insert.withMs} ms with, ${r.insert.withoutMs} ms without; ${r.afterInsert.changeRows} change rows, ${r.afterInsert.jobs} job`,
      '≤ 2×',
    ],
    [
      `CRM bulk update, ${n} contacts' addresses in one statement`,
      `${r.update.ratio}× the time without our triggers`,
      `${r.update.withMs} ms with, ${r.update.withoutMs} ms without; ${r.afterUpdate.changeRows} change rows, ${r.afterUpdate.jobs} job`,
      '≤ 2×',
    ],
    ...(r.perRow
      ? [
          [
            `  … the per-row triggers this replaced, ${r.perRow.rows.toLocaleString('en-US')} contacts`,
            `${r.perRow.ratio}× the time without them`,
            `${r.perRow.withMs} ms with, ${r.perRow.withoutMs} ms without (a job per row)`,
            '',
          ] as [string, string, string, string],
        ]
      : []),
  ];
}
