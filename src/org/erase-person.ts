// POST /org/erasures: a person erased from the org (LGPD art. 18, GDPR art. 17). Everything the
// service holds about the address in any mailbox of the org goes, in one transaction: the
// activities where it is a participant (bodies, attachment lists and links with them), its mentions
// in other activities (redacted), the outbox events not yet delivered about those activities and
// every event naming it, pending and let-go mail of their threads, dead letters naming it, stored
// send answers (idempotency records) naming it, and its place on blocklists. Kept: the keyed hash
// (erasure-keys.ts) that blocks it for good (org-rules.ts: never searched for, fetched mail with it
// never logged), and a tombstone per removed mail. Repeating an erasure removes what may have come
// since and answers the same receipt. What the CRM must remove itself: docs/content-and-privacy.md.

import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { ErasureCounts } from '../db/schema.ts';
import { EVENT } from '../events/event-types.ts';
import { recordEvent } from '../events/record-events.ts';
import { forgetInJobs } from './erasure-jobs.ts';
import type { ErasureHashing } from './erasure-keys.ts';
import { removeErasedRows } from './erasure-rows.ts';

export interface ErasureReceipt {
  erasure_id: string;
  email_hash: string;
  removed: ErasureCounts;
}

export async function erasePerson(
  deps: { db: Db; hashing: ErasureHashing },
  actor: { orgId: string; userId: string },
  address: string,
): Promise<ErasureReceipt> {
  const email = address.trim().toLowerCase();
  const hash = await deps.hashing.hasherFor(actor.orgId, { create: true });
  if (!hash) throw new Error('erasure key missing after creation');
  const emailHash = hash(email);
  return deps.db.transaction(async (tx) => {
    // One erasure of an org at a time: a second waits and finds the first's work done.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`erasure:${actor.orgId}`}))`);
    await refuseOwnMailbox(tx, actor.orgId, email);
    const removed = await removeErasedRows(tx, actor.orgId, email);
    await forgetInJobs(tx, actor.orgId, email);
    const { rows } = await tx.execute<{ id: string; removed: ErasureCounts }>(sql`
      insert into erasures (org_id, email_hash, requested_by, removed)
      values (${actor.orgId}, ${emailHash}, ${actor.userId}, ${JSON.stringify(removed)}::jsonb)
      on conflict (org_id, email_hash) do update
         set removed = (select jsonb_object_agg(k, coalesce((erasures.removed ->> k)::int, 0)
                                                  + coalesce((excluded.removed ->> k)::int, 0))
                          from jsonb_object_keys(erasures.removed || excluded.removed) as k),
             updated_at = now()
      returning id, removed`);
    const row = rows[0];
    if (!row) throw new Error('erasure not recorded');
    const receipt = { erasure_id: row.id, email_hash: emailHash, removed: row.removed };
    // The CRM is told, without the address: it removes its own records of the person.
    await recordEvent(tx, {
      orgId: actor.orgId,
      mailboxId: null,
      type: EVENT.personErased,
      payload: receipt,
    });
    return receipt;
  });
}

/** A connected mailbox's own address (or alias) is the org's user, not a person to erase. */
async function refuseOwnMailbox(tx: Pick<Db, 'execute'>, orgId: string, email: string) {
  const { rows } = await tx.execute(sql`
    select 1 from mailboxes
     where org_id = ${orgId} and status <> 'disconnected'
       and (email = ${email} or send_as @> ${JSON.stringify([{ email }])}::jsonb)
     limit 1`);
  if (rows.length > 0) {
    throw new AppError(
      'address_connected',
      'this address is a connected mailbox of the organisation: disconnect it first',
    );
  }
}

export async function listErasures(db: Db, orgId: string, limit: number) {
  const { rows } = await db.execute<{
    id: string;
    email_hash: string;
    requested_by: string;
    created_at: Date;
    removed: ErasureCounts;
  }>(sql`
    select id, email_hash, requested_by, created_at, removed from erasures
     where org_id = ${orgId} order by created_at desc, id limit ${limit}`);
  return rows.map((r) => ({
    erasure_id: r.id,
    email_hash: r.email_hash,
    requested_by: r.requested_by,
    created_at: new Date(r.created_at).toISOString(),
    removed: r.removed,
  }));
}
