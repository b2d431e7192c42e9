// The org's suppression list: addresses the CRM's mail never goes to again (a hard bounce, an
// unsubscribe, an admin's choice). Adding is idempotent and keeps the first reason: an address
// that bounced and is then unsubscribed stays `hard_bounce`, and a replayed unsubscribe changes
// nothing. Lookups compare canonical forms (canonical-address.ts).
import type { SQL } from 'drizzle-orm';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { SuppressionReason } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { canonicalAddress } from './canonical-address.ts';

export interface Suppression {
  email: string;
  reason: SuppressionReason;
  created_at: string;
}

type Row = { email: string; reason: SuppressionReason; created_at: Date };
const toView = (r: Row): Suppression => ({
  email: r.email,
  reason: r.reason,
  created_at: new Date(r.created_at).toISOString(),
});

/** Adds the address (or finds it already there); answers the suppression as stored. */
export async function addSuppression(
  db: Pick<Db, 'execute'>,
  orgId: string,
  email: string,
  reason: SuppressionReason,
): Promise<Suppression> {
  const lower = email.trim().toLowerCase();
  const { rows } = await db.execute<Row>(sql`
    with added as (
      insert into suppressions (org_id, canonical, email, reason)
      values (${orgId}, ${canonicalAddress(lower)}, ${lower}, ${reason})
      on conflict (org_id, canonical) do nothing
      returning email, reason, created_at
    )
    select email, reason, created_at from added
    union all
    select email, reason, created_at from suppressions
     where org_id = ${orgId} and canonical = ${canonicalAddress(lower)}
       and not exists (select 1 from added)`);
  const row = rows[0];
  if (!row) throw new Error('suppression neither added nor found');
  return toView(row);
}

/** True when an address was lifted. */
export async function removeSuppression(db: Db, orgId: string, email: string): Promise<boolean> {
  const { rows } = await db.execute(sql`
    delete from suppressions where org_id = ${orgId} and canonical = ${canonicalAddress(email)}
    returning 1`);
  return rows.length > 0;
}

/** An erasure's suppression of the address (org/erasure-rows.ts), by any of its `forms`. */
export async function removeErasedSuppressions(
  tx: Pick<Db, 'execute'>,
  orgId: string,
  forms: SQL,
): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    with gone as (
      delete from suppressions
       where org_id = ${orgId} and (email = any(${forms}) or canonical = any(${forms}))
      returning 1)
    select count(*)::int as n from gone`);
  return rows[0]?.n ?? 0;
}

/**
 * A hard bounce's suppression, a CTE of the bounce's one statement (outcomes/record-bounces.ts):
 * each recipient `noted` there, when `hard`, kept with the first reason it had.
 */
export function suppressBouncedSql(orgId: string, canonical: string, hard: boolean): SQL {
  return sql`
      insert into suppressions (org_id, canonical, email, reason)
      select ${orgId}, ${canonical}, recipient, 'hard_bounce'
        from noted where ${hard}
      on conflict do nothing`;
}

/** A page of the org's list, newest first; the cursor is the last item's (created_at, canonical). */
export async function listSuppressions(
  db: Db,
  orgId: string,
  opts: { limit: number; after?: { createdAt: string; canonical: string } | undefined },
): Promise<{ items: Suppression[]; next: { createdAt: string; canonical: string } | null }> {
  const after = opts.after;
  const { rows } = await db.execute<Row & { canonical: string }>(sql`
    select email, reason, created_at, canonical from suppressions
     where org_id = ${orgId}
       ${after ? sql`and (created_at, canonical) < (${after.createdAt}::timestamptz, ${after.canonical})` : sql``}
     order by created_at desc, canonical desc
     limit ${opts.limit + 1}`);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map(toView),
    next:
      rows.length > opts.limit && last
        ? { createdAt: new Date(last.created_at).toISOString(), canonical: last.canonical }
        : null,
  };
}

/** Which of these addresses the org suppresses, as given (in their order). */
export async function suppressedAmong(
  db: Pick<Db, 'execute'>,
  orgId: string,
  addresses: string[],
): Promise<string[]> {
  if (addresses.length === 0) return [];
  const canonical = addresses.map(canonicalAddress);
  const { rows } = await db.execute<{ canonical: string }>(sql`
    select canonical from suppressions
     where org_id = ${orgId} and canonical = any(${sqlArray(canonical, 'text')})`);
  const hit = new Set(rows.map((r) => r.canonical));
  return addresses.filter((_, i) => hit.has(canonical[i] ?? ''));
}

/** A send to a suppressed address is refused whole, naming the addresses; nothing goes. */
export async function refuseSuppressed(
  db: Pick<Db, 'execute'>,
  orgId: string,
  addresses: string[],
): Promise<void> {
  const hit = await suppressedAmong(db, orgId, addresses);
  if (hit.length === 0) return;
  throw new AppError(
    'suppressed',
    `${hit[0]} is on the organisation's suppression list${hit.length > 1 ? ` (and ${hit.length - 1} more)` : ''}`,
    { details: { addresses: hit } },
  );
}
