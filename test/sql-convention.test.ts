// The SQL convention of docs/architecture.md ("Data"), kept true: jobs are added only through
// src/queue/ (graphile_worker.add_job / add_jobs named nowhere else in src/; the database triggers'
// migration is SQL, not src/), and an array reaches a statement only through db/sql-arrays.ts
// (no '{a,b}' literal built in code, no interpolation cast to an array by hand), and a table is
// written only by its owners (TABLE_OWNERS, the table of docs/architecture.md "Data"). Only writes
// are held there (insert into, update, delete from; drizzle's .insert/.update/.delete): reads stay
// with the code that needs them, a join across tables or a status read being no one's table.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `file:line` of every line of src/ (outside `allowed`) that matches `pattern`. */
function linesMatching(pattern: RegExp, allowed: (file: string) => boolean): string[] {
  return sourceFiles(SRC).flatMap((file) => {
    const name = path.relative(SRC, file);
    if (allowed(name)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${name}:${i + 1}`] : []));
  });
}

/**
 * Each table's owners: the files of src/ whose statements may write it. Besides the owner, two
 * sweeps cross tables by design: the retention (db/retention.ts, every keep-time in one place) and
 * an erasure (org/erasure-rows.ts), the latter only for tables whose owner is above org/ in the
 * one-way rule (search-first/, scheduled/, send/), since it cannot import them.
 */
const TABLE_OWNERS: Record<string, string[]> = {
  activities: [
    'activity-store/store-activities.ts',
    'activity-store/revise-activities.ts',
    // The changes other folders' rules decide, fragments of each rule's one statement.
    'activity-store/activity-writes.ts',
    // The blocklist's removals: crm/ is below activity-store/ (which imports the mail filter), so
    // it cannot import the fragment; the delete stays in its one statement with its event.
    'crm/blocklist-lookback.ts',
  ],
  activity_links: ['activity-store/activity-writes.ts', 'activity-store/revise-activities.ts'],
  activity_privacy: ['activities/activity-privacy.ts'],
  activity_tombstones: ['activity-store/activity-writes.ts'],
  calendar_syncs: ['calendar/calendar-store.ts'],
  // The CRM's records: the service reads them; the demo's sample contact is seeded for the CRM.
  companies: [],
  contacts: ['crm/auto-contacts.ts', 'db/sample-crm.ts'],
  crm_entity_changes: ['retro-search/retro-search.ts'],
  dead_letters: [
    'activity-store/dead-letter-messages.ts',
    'ingest/notifications.ts', // a push's dead letters
    'db/retention.ts',
  ],
  deals: [],
  delivery_reports: ['outcomes/record-bounces.ts'],
  erasure_keys: ['org/erasure-keys.ts'],
  erasures: ['org/erase-person.ts'],
  // Each set-based writer composes insertEventsSql into its own statement; the delivery marks.
  events: ['events/record-events.ts', 'events/deliver-events.ts'],
  idempotency_keys: ['send/idempotency.ts', 'db/retention.ts', 'org/erasure-rows.ts'],
  leads: [],
  list_senders: ['crm/list-senders.ts'],
  mailbox_correspondents: ['crm/correspondents.ts'],
  mailbox_members: ['mailbox/mailbox-members.ts'],
  mailbox_reconciliations: ['reconcile/reconcile-store.ts'],
  mailboxes: [
    'mailbox/mailbox-store.ts',
    'mailbox/mailbox-cursor.ts',
    'mailbox/mailbox-transitions.ts',
  ],
  message_failures: ['activity-store/dead-letter-messages.ts'],
  messages_in_flight: [
    'sync/in-flight.ts',
    // The store clears the marks of what it stored in its own statement; activity-store/ is below sync/.
    'activity-store/store-activities.ts',
    'db/retention.ts',
  ],
  oauth_states: ['mailbox/oauth-states.ts', 'db/retention.ts'],
  org_settings: ['org/org-settings-update.ts'],
  pending_matches: [
    'search-first/pending-store.ts',
    'search-audit/audit-store.ts', // the audit's marks on the let-go rows
    'db/retention.ts',
    'org/erasure-rows.ts',
  ],
  scheduled_sends: [
    'scheduled/scheduled-store.ts',
    'scheduled/schedule-mail.ts', // the insert, the store being near 300 lines
    'org/erasure-rows.ts',
  ],
  search_audits: ['search-audit/audit-store.ts', 'db/retention.ts'],
  sent_mail: ['send/sent-record.ts', 'org/erasure-rows.ts'],
  service_secrets: ['suppressions/unsubscribe-key.ts'],
  skipped_messages: ['activity-store/skipped-messages.ts'],
  suppressions: ['suppressions/suppression-store.ts'],
  sync_progress: ['sync/progress.ts'],
  worker_leases: ['jobs/worker-liveness.ts'],
  workspaces: ['workspace/workspace-store.ts'],
};

/** Tables not grouped yet: none since issue #26; a table named here is left out of the check. */
const NOT_GROUPED: string[] = [];

/** Every table of the schema: SQL name by drizzle name. */
function schemaTables(): Map<string, string> {
  const tables = new Map<string, string>();
  for (const file of readdirSync(path.join(SRC, 'db')).filter((f) => f.endsWith('schema.ts'))) {
    const text = readFileSync(path.join(SRC, 'db', file), 'utf8');
    for (const m of text.matchAll(/export const (\w+) = pgTable\(\s*'(\w+)'/g)) {
      tables.set(m[1] as string, m[2] as string);
    }
  }
  return tables;
}

/** The write statements of a source text: each table written and the line it is on. */
function writesIn(text: string, tables: Map<string, string>): { table: string; line: number }[] {
  const names = [...tables.values()].join('|');
  const raw = new RegExp(`\\b(?:insert\\s+into|update|delete\\s+from)\\s+(${names})\\b`, 'gi');
  const orm = new RegExp(
    `\\.(?:insert|update|delete)\\(\\s*(${[...tables.keys()].join('|')})\\s*\\)`,
    'g',
  );
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  return [
    ...[...text.matchAll(raw)].map((m) => ({
      table: (m[1] as string).toLowerCase(),
      line: lineOf(m.index),
    })),
    ...[...text.matchAll(orm)].map((m) => ({
      table: tables.get(m[1] as string) as string,
      line: lineOf(m.index),
    })),
  ];
}

const ADD_JOB = /add_jobs?\b/;
// `{${…}` builds an array literal in a template; `${…}::text[]` casts an interpolation by hand.
const HAND_BUILT_ARRAY = /`\{\$\{|\$\{[^`]*\}::(?:text|uuid|bigint|int|integer|float8)\[\]/;

describe('the SQL convention in src/', () => {
  it('when src/ is read, then only src/queue/ adds jobs', () => {
    expect(linesMatching(ADD_JOB, (f) => f.startsWith(`queue${path.sep}`))).toEqual([]);
    expect(linesMatching(ADD_JOB, () => false).length).toBeGreaterThan(0);
  });

  it('when src/ is read, then every array parameter goes through db/sql-arrays.ts', () => {
    expect(linesMatching(HAND_BUILT_ARRAY, (f) => f === path.join('db', 'sql-arrays.ts'))).toEqual(
      [],
    );
  });

  it('when src/ is read, then a table is written only by its owners', () => {
    const tables = schemaTables();
    const strays = sourceFiles(SRC).flatMap((file) => {
      const name = path.relative(SRC, file).split(path.sep).join('/');
      return writesIn(readFileSync(file, 'utf8'), tables)
        .filter(({ table }) => !NOT_GROUPED.includes(table))
        .filter(({ table }) => !TABLE_OWNERS[table]?.includes(name))
        .map(({ table, line }) => `${name}:${line} writes ${table}`);
    });
    expect(strays).toEqual([]);
    // Every table has its place: a new one is given owners (or named not grouped), and each owner
    // named is a file that exists.
    expect(
      [...tables.values()].filter((t) => !(t in TABLE_OWNERS) && !NOT_GROUPED.includes(t)),
    ).toEqual([]);
    const owners = Object.values(TABLE_OWNERS).flat();
    expect(owners.filter((f) => !existsSync(path.join(SRC, f)))).toEqual([]);
  });

  it('when docs/architecture.md lists the owners, then it lists the ones the test holds', () => {
    const doc = readFileSync(path.resolve(SRC, '../docs/architecture.md'), 'utf8');
    const rows = Object.entries(TABLE_OWNERS).flatMap(([table, files]) => {
      const row = doc
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.startsWith('|') && l.split('|')[1]?.includes(`\`${table}\``));
      if (!row) return [`${table}: no row`];
      return files.filter((f) => !row.includes(`\`${f}\``)).map((f) => `${table}: ${f}`);
    });
    expect(rows).toEqual([]);
  });

  it('when a statement writes a table, then the scan finds it and its line', () => {
    const tables = new Map([
      ['mailboxes', 'mailboxes'],
      ['pendingMatches', 'pending_matches'],
    ]);
    const code = [
      'await db.execute(sql`',
      '  update mailboxes set x = 1`);',
      'await tx.delete(pendingMatches).where(w);',
      'await db.execute(sql`DELETE FROM',
      '  pending_matches`);',
      'await db.execute(sql`select 1 from mailboxes; on conflict do update set n = 1`);',
    ].join('\n');
    expect(writesIn(code, tables)).toEqual([
      { table: 'mailboxes', line: 2 },
      { table: 'pending_matches', line: 4 },
      { table: 'pending_matches', line: 3 },
    ]);
  });

  it('when a line adds a job or builds an array by hand, then the patterns catch it', () => {
    expect(ADD_JOB.test('select graphile_worker.add_jobs(array(')).toBe(true);
    expect(ADD_JOB.test('select id from graphile_worker.add_job(')).toBe(true);
    expect(ADD_JOB.test('await addJob(db, TASK.sync, {})')).toBe(false);
    // Lines of code as text: `$` is kept apart so the strings are not templates themselves.
    const $ = '$';
    expect(HAND_BUILT_ARRAY.test(`const list = \`{${$}{ids.join(',')}}\`;`)).toBe(true);
    expect(HAND_BUILT_ARRAY.test(`where id = any(${$}{list}::uuid[])`)).toBe(true);
    expect(HAND_BUILT_ARRAY.test(`where id = any(${$}{sqlArray(ids, 'uuid')})`)).toBe(false);
    expect(HAND_BUILT_ARRAY.test('from unnest($1::text[])')).toBe(false);
  });
});
