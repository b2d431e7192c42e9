// The operator's view of every mailbox: status, lag, watch expiry, completeness (the last
// reconciliation), the long task under way and last error.

import { type CalendarState, calendarStateText } from '../activities/admin-view.ts';
import { lagSeconds } from '../activities/mailbox-status.ts';
import type { Db } from '../db/database.ts';
import { asc } from '../db/orm.ts';
import { mailboxReconciliations } from '../db/reconcile-schema.ts';
import { calendarSyncs, mailboxes } from '../db/schema.ts';
import { type ProgressView, readProgress } from '../sync/progress.ts';
import { formatEta } from './progress-bar.ts';

export interface MailboxRow {
  email: string;
  org: string;
  status: string;
  lagSeconds: number;
  watchExpiresAt: Date | null;
  lastError: string | null;
  completeness: { expected: number; missing: number; checkedAt: Date } | null;
  progress: ProgressView | null;
  calendar: CalendarState;
}

export async function listMailboxes(db: Db): Promise<MailboxRow[]> {
  const rows = await db
    .select()
    .from(mailboxes)
    .orderBy(asc(mailboxes.orgId), asc(mailboxes.email));
  const checks = new Map(
    (await db.select().from(mailboxReconciliations)).map((r) => [r.mailboxId, r]),
  );
  const progress = await Promise.all(rows.map((m) => readProgress(db, m.id)));
  const calendars = new Map((await db.select().from(calendarSyncs)).map((c) => [c.mailboxId, c]));
  return rows.map((m, i) => ({
    email: m.email,
    org: m.orgId,
    status: m.status,
    lagSeconds: lagSeconds(m),
    watchExpiresAt: m.watchExpiresAt,
    lastError: m.lastError,
    completeness: checks.get(m.id) ?? null,
    progress: progress[i] ?? null,
    calendar: {
      granted: m.scopes.some((s) => s.endsWith('calendar.events.readonly')),
      lastSyncAt: calendars.get(m.id)?.lastSyncAt ?? null,
      channelExpiresAt: calendars.get(m.id)?.channelExpiresAt ?? null,
      lastError: calendars.get(m.id)?.lastError ?? null,
    },
  }));
}

export function renderMailboxTable(rows: MailboxRow[]): string {
  const header = [
    'ADDRESS',
    'ORG',
    'STATUS',
    'LAG',
    'WATCH EXPIRES',
    'LAST ERROR',
    'COMPLETE',
    'PROGRESS',
    'CALENDAR',
  ];
  const body = rows.map((r) => [
    r.email,
    r.org,
    r.status,
    `${r.lagSeconds}s`,
    r.watchExpiresAt ? r.watchExpiresAt.toISOString().slice(0, 16).replace('T', ' ') : '-',
    r.lastError ?? '',
    completenessCell(r.completeness),
    r.progress
      ? `${r.progress.phase} ${r.progress.done}/${r.progress.total} ${formatEta(r.progress.eta_seconds)}`
      : '-',
    calendarStateText(r.calendar),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line), `${rows.length} mailboxes`].join('\n');
}

/** The share of what Gmail's search expects that the CRM holds (or skipped on purpose). */
function completenessCell(c: MailboxRow['completeness']): string {
  if (!c) return 'unchecked';
  const held = c.expected - c.missing;
  const pct = c.expected > 0 ? Math.floor((100 * held) / c.expected) : 100;
  return `${pct}% (${held}/${c.expected})`;
}
