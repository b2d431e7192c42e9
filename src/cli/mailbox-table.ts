// The operator's view of every mailbox: status, lag, watch expiry and last error.

import type { Db } from '../db/database.ts';
import { asc } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { lagSeconds } from '../mailbox/mailbox-status.ts';

export interface MailboxRow {
  email: string;
  org: string;
  status: string;
  lagSeconds: number;
  watchExpiresAt: Date | null;
  lastError: string | null;
}

export async function listMailboxes(db: Db): Promise<MailboxRow[]> {
  const rows = await db
    .select()
    .from(mailboxes)
    .orderBy(asc(mailboxes.orgId), asc(mailboxes.email));
  return rows.map((m) => ({
    email: m.email,
    org: m.orgId,
    status: m.status,
    lagSeconds: lagSeconds(m),
    watchExpiresAt: m.watchExpiresAt,
    lastError: m.lastError,
  }));
}

export function renderMailboxTable(rows: MailboxRow[]): string {
  const header = ['ADDRESS', 'ORG', 'STATUS', 'LAG', 'WATCH EXPIRES', 'LAST ERROR'];
  const body = rows.map((r) => [
    r.email,
    r.org,
    r.status,
    `${r.lagSeconds}s`,
    r.watchExpiresAt ? r.watchExpiresAt.toISOString().slice(0, 16).replace('T', ' ') : '-',
    r.lastError ?? '',
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
