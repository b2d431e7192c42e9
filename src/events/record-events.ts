// The one way an event enters the outbox: a typed row (its payload shaped by event-types.ts) and,
// on the same executor, a delivery asked for at once (deliver-events.ts), so the CRM hears of it
// without waiting for the minute's sweep. Writers that announce set-based, in a statement of their
// own (an activity logged with its events, a bounce noted), name the type through EVENT, take the
// insert from `insertEventsSql` (so the table's writes are all here) and call `askEventDelivery`
// after that statement on the same executor.
//
// The ask is the last thing a writer does in its transaction: it takes the delivery job's row
// (one, coalescing every ask while it waits) until commit, and a transaction that locked that row
// and then waited for another row could deadlock with one that did the reverse. On a bare
// connection the ask follows the event's commit, so a delivery run started by it sees the event.
import type { SQL } from 'drizzle-orm';
import { sql } from '../db/orm.ts';
import { type Executor, enqueueEventDelivery } from '../queue/enqueue.ts';
import type { EventPayload, EventType } from './event-types.ts';

export type NewEvent = {
  [T in EventType]: {
    orgId: string;
    /** Null for an org's event (person.erased); events of one mailbox are delivered in order. */
    mailboxId: string | null;
    type: T;
    payload: EventPayload<T>;
  };
}[EventType];

/** The events written, in order, and their delivery asked for. */
export async function recordEvents(db: Executor, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    org_id: e.orgId,
    mailbox_id: e.mailboxId,
    type: e.type,
    payload: e.payload,
  }));
  await db.execute(
    insertEventsSql(sql`
    select e ->> 'org_id', (e ->> 'mailbox_id')::uuid, e ->> 'type', e -> 'payload'
      from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as x(e, n)
     order by n`),
  );
  await askEventDelivery(db);
}

/**
 * The insert of events, as a whole statement or a part of the caller's one (a CTE, or the last
 * step after its CTEs), so the events commit with the change they announce. `rows` is the
 * `select` (or `values`) of the columns org_id, mailbox_id, type, payload, in that order; the
 * caller may add a `returning` after it.
 */
export function insertEventsSql(rows: SQL): SQL {
  return sql`insert into events (org_id, mailbox_id, type, payload)
    ${rows}`;
}

export function recordEvent(db: Executor, event: NewEvent): Promise<void> {
  return recordEvents(db, [event]);
}

/** A delivery run soon, asked by a writer that wrote its events in a statement of its own. */
export async function askEventDelivery(db: Executor): Promise<void> {
  await enqueueEventDelivery(db);
}

/**
 * An erasure's events (org/erasure-rows.ts), a CTE of its counting statement: those not yet
 * delivered of the activities erased (`activityIds`, a `select` of their ids as text), and any
 * whose payload names the address (`like`, an ILIKE pattern). One `1` returned for each.
 */
export function removeErasedEventsSql(orgId: string, activityIds: SQL, like: string): SQL {
  return sql`delete from events
       where org_id = ${orgId}
         and ((delivered_at is null
               and payload ->> 'activity_id' in (${activityIds}))
              or payload::text ilike ${like})
      returning 1`;
}
