// A blocklist that looks back: an address or domain added to a mailbox's blocklist takes the
// activities it covers out of that mailbox (the CRM is told how many, `activities.removed`); one
// taken off the list brings its mail back through a retroactive search of that mailbox, paced by
// its quota like any other (retro-search/retro-search.ts). Only the mailbox whose settings changed
// is touched.

import { sql } from '../db/orm.ts';
import { ACTIVITY_PARTICIPANTS } from '../db/participants-sql.ts';
import type { MailboxSettings } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import { type Executor, enqueueRetroSearch } from '../queue/enqueue.ts';
import type { RetroSearchPayload } from '../queue/job-names.ts';

type Blocklist = Pick<MailboxSettings, 'blocked_addresses' | 'blocked_domains'>;

/** What `after` blocks that `before` did not: removed now; what it no longer blocks: searched. */
export async function applyBlocklistChange(
  tx: Executor,
  mailbox: { id: string; orgId: string; owners: readonly string[] },
  before: Blocklist,
  after: Blocklist,
): Promise<void> {
  const added = difference(after, before);
  const lifted = difference(before, after);
  if (added.blocked_addresses.length + added.blocked_domains.length > 0) {
    await removeBlocked(tx, mailbox, added);
  }
  const terms = [...lifted.blocked_addresses, ...lifted.blocked_domains.map((d) => `@${d}`)]
    // Gmail's search reads quotes, braces and parentheses as syntax.
    .filter((t) => /^[^\s"{}()]*@[^\s"{}()]+$/.test(t));
  if (terms.length > 0) {
    const payload: RetroSearchPayload = { mailbox_id: mailbox.id, terms };
    await enqueueRetroSearch(tx, payload);
  }
}

function difference(a: Blocklist, b: Blocklist): Blocklist {
  return {
    blocked_addresses: a.blocked_addresses.filter((x) => !b.blocked_addresses.includes(x)),
    blocked_domains: a.blocked_domains.filter((x) => !b.blocked_domains.includes(x)),
  };
}

/**
 * The mailbox's activities with a participant (From, To, Cc as stored, the owner's own addresses
 * aside) that the entries block, as the mail filter judges new mail; one statement with its event.
 */
async function removeBlocked(
  tx: Executor,
  mailbox: { id: string; orgId: string; owners: readonly string[] },
  entries: Blocklist,
): Promise<number> {
  const list = (values: readonly string[]) => sqlArray(values, 'text');
  const { rows } = await tx.execute<{ n: number }>(sql`
    with covered as (
      select a.id
        from activities a
       where a.org_id = ${mailbox.orgId} and a.mailbox_id = ${mailbox.id}
         and exists (
           select 1 from ${ACTIVITY_PARTICIPANTS}
            where x.addr <> all(${list(mailbox.owners)})
              and (x.addr = any(${list(entries.blocked_addresses)})
                   or split_part(x.addr, '@', 2) = any(${list(entries.blocked_domains)})))
    ),
    removed as (
      delete from activities where id in (select id from covered) returning id
    ),
    counted as (select count(*)::int as n from removed)
    ${insertEventsSql(sql`
    select ${mailbox.orgId}, ${mailbox.id}::uuid, ${EVENT.activitiesRemoved}::text,
           jsonb_build_object('mailbox_id', ${mailbox.id}::uuid, 'reason', 'blocked', 'count', n,
                              'blocked_addresses', ${JSON.stringify(entries.blocked_addresses)}::jsonb,
                              'blocked_domains', ${JSON.stringify(entries.blocked_domains)}::jsonb)
      from counted`)}
    returning (payload ->> 'count')::int as n`);
  await askEventDelivery(tx);
  return rows[0]?.n ?? 0;
}
