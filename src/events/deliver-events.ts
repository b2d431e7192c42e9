// The CRM's events (the `events` outbox) delivered to CRM_WEBHOOK_URL: JSON {id, type, time,
// org_id, payload}, signed `X-Gmail-Sync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
// t + "." + body)>` (Stripe's scheme: the signed timestamp lets the CRM refuse a replayed delivery),
// retried with backoff until a 2xx, at least once, and in order per mailbox: a mailbox's next event
// waits until the one before it is delivered. One delivery job runs at a time (its own queue),
// asked by every writer of events (record-events.ts) and swept every minute (jobs/crontab.ts).
// Every POST goes through the outbound client (outbound-http.ts): the address is checked and pinned
// at each delivery, and a redirect is a failed delivery, never followed.
import { createHmac } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import { type OutboundHttp, OutboundRefused } from '../outbound/outbound-http.ts';

const BATCH = 100;
const TIME_BUDGET_MS = 20_000;
const MAX_BACKOFF_S = 3600;

export interface WebhookConfig {
  url: string;
  secret: string;
  timeoutMs?: number;
}

type EventRow = {
  id: number;
  event_id: string;
  org_id: string;
  type: string;
  payload: unknown;
  created_at: Date;
  attempts: number;
};

export const SIGNATURE_HEADER = 'x-gmail-sync-signature';

/** The signature header's value for `body` sent at `unixSeconds`. */
export function signEvent(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export async function deliverEvents(
  deps: { db: Db; log: Logger; http: OutboundHttp },
  webhook: WebhookConfig | undefined,
): Promise<number> {
  if (!webhook) return 0;
  const started = Date.now();
  let delivered = 0;
  while (Date.now() - started < TIME_BUDGET_MS) {
    // The head of each mailbox's queue of undelivered events, when due.
    const { rows } = await deps.db.execute<EventRow>(sql`
      select e.id, e.event_id, e.org_id, e.type, e.payload, e.created_at, e.attempts
        from events e
       where e.delivered_at is null
         and (e.next_attempt_at is null or e.next_attempt_at <= now())
         and not exists (select 1 from events p
                          where p.delivered_at is null and p.id < e.id
                            and p.mailbox_id is not distinct from e.mailbox_id)
       order by e.id limit ${BATCH}`);
    if (rows.length === 0) break;
    const results = await Promise.all(rows.map((row) => post(deps.http, webhook, row)));
    for (const [i, row] of rows.entries()) {
      const error = results[i];
      if (error === null) {
        await deps.db.execute(
          sql`update events set delivered_at = now(), attempts = attempts + 1, last_error = null where id = ${row.id}`,
        );
        delivered += 1;
      } else {
        const backoff = Math.min(MAX_BACKOFF_S, 2 ** row.attempts);
        await deps.db.execute(sql`
          update events set attempts = attempts + 1, last_error = ${error},
                 next_attempt_at = now() + make_interval(secs => ${backoff})
           where id = ${row.id}`);
      }
    }
    if (results.every((r) => r !== null)) break;
  }
  if (delivered > 0) deps.log.info({ delivered }, 'events delivered');
  return delivered;
}

/** null when the CRM answered 2xx, else a short reason. */
async function post(
  http: OutboundHttp,
  webhook: WebhookConfig,
  row: EventRow,
): Promise<string | null> {
  const body = JSON.stringify({
    id: row.event_id,
    type: row.type,
    time: new Date(row.created_at).toISOString(),
    // The tenant the event belongs to: a CRM serving many orgs routes and checks by it.
    org_id: row.org_id,
    payload: row.payload,
  });
  try {
    const res = await http.request(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-event-id': row.event_id,
        [SIGNATURE_HEADER]: signEvent(webhook.secret, Math.floor(Date.now() / 1000), body),
      },
      body,
      timeoutMs: webhook.timeoutMs ?? 10_000,
      maxResponseBytes: 64 * 1024,
    });
    return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
  } catch (error) {
    // The refusal's reason names no secret: a host and why it may not be reached.
    if (error instanceof OutboundRefused) return `refused: ${error.message}`;
    return error instanceof Error ? error.name : 'network error';
  }
}

export interface DeliveryState {
  pending: number;
  oldest_pending_at: string | null;
  last_error: string | null;
}

export async function eventDeliveryState(db: Db, mailboxId: string): Promise<DeliveryState> {
  const { rows } = await db.execute<{
    pending: number;
    oldest: Date | null;
    last_error: string | null;
  }>(sql`
    select count(*)::int as pending, min(created_at) as oldest,
           (array_agg(last_error order by id) filter (where last_error is not null))[1] as last_error
      from events where mailbox_id = ${mailboxId} and delivered_at is null`);
  const r = rows[0];
  return {
    pending: r?.pending ?? 0,
    oldest_pending_at: r?.oldest ? new Date(r.oldest).toISOString() : null,
    last_error: r?.last_error ?? null,
  };
}
