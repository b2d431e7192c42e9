// What the linking tests share: companies in the bundled CRM tables, an entity's timeline over HTTP,
// and waiting for the worker's queue to drain.
import type { Db } from '../../src/db/database.ts';
import { sql } from '../../src/db/orm.ts';
import type { E2E, TestUser } from './e2e-service.ts';
import { waitFor } from './wait-for.ts';

export async function addCompany(
  db: Db,
  orgId: string,
  name: string,
  domain: string | null,
): Promise<string> {
  const { rows } = await db.execute<{ id: string }>(
    sql`insert into companies (org_id, name, domain) values (${orgId}, ${name}, ${domain}) returning id`,
  );
  return rows[0]?.id ?? '';
}

export interface TimelineItem {
  id: string;
  entity_type: string;
  entity_id: string;
  email_direction: string;
  content: { gmail_message_id: string; from: string; to: string[] };
  links: { entity_type: string; entity_id: string }[];
}

/** GET /activities for one entity, as the CRM shows its timeline. */
export async function timeline(
  e2e: E2E,
  user: TestUser,
  entityType: string,
  entityId: string,
): Promise<TimelineItem[]> {
  const res = await e2e.api(
    `/activities?entity_type=${entityType}&entity_id=${entityId}&limit=200`,
    { user },
  );
  if (res.status !== 200) throw new Error(`GET /activities: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { items: TimelineItem[] }).items;
}

/** The Gmail ids on an entity's timeline, sorted. */
export async function timelineIds(
  e2e: E2E,
  user: TestUser,
  entityType: string,
  entityId: string,
): Promise<string[]> {
  return (await timeline(e2e, user, entityType, entityId))
    .map((a) => a.content.gmail_message_id)
    .sort();
}

/** Waits until no job of these tasks is due or running (failed-for-good and later-scheduled ones aside). */
export async function waitForJobs(
  e2e: E2E,
  tasks = ['sync_mailbox', 'retro_org', 'retro_search', 'refresh_send_as', 'renew_watch'],
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await e2e.database.pool.query(
        `select count(*)::int as n from graphile_worker.jobs
          where task_identifier = any($1) and attempts < max_attempts
            and (run_at <= now() or locked_at is not null)`,
        [tasks],
      );
      return rows[0].n === 0;
    },
    { timeoutMs, what: `${tasks.join(', ')} jobs to finish` },
  );
}

/**
 * Delivers mail and asks for a sync: Gmail sends a watched user at most one push a second and drops
 * the rest, so a test delivering mail after mail does not wait on the fallback poll.
 */
export async function deliverAndSync(
  e2e: E2E,
  user: TestUser,
  owner: string,
  raw: string,
): Promise<{ id: string; threadId: string }> {
  const delivered = await e2e.deliver(owner, raw);
  const res = await e2e.api('/integrations/gmail/sync', { method: 'POST', body: '{}', user });
  if (res.status !== 202) throw new Error(`POST /integrations/gmail/sync: ${res.status}`);
  return delivered;
}
