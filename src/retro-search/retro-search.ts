// Contacts, leads and companies added later get their history: a change recorded in
// crm_entity_changes (by the CRM tables' triggers, or POST /crm/entities/changed) becomes, for each
// connected mailbox of the org, a Gmail search for the record's addresses over SYNC_RETRO_DAYS
// (messages.list with q, 5 units a page). Mail not yet logged goes through the sync's own
// fetch-and-log pipeline, paced by the mailbox's quota; mail already logged (for another record)
// gains the new links. Links are only ever added: a contact whose address changes keeps its mail.

import type { Timings } from '../config-timings.ts';
import { listMatchingIds, queryGroups } from '../crm/crm-search.ts';
import { isFreeMailDomain } from '../crm/free-mail.ts';
import { ownDomains } from '../crm/mail-filter.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { isPlainSearchTerm } from '../google/gmail-search-terms.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import { ownerAddresses } from '../mailbox/send-as.ts';
import type { OrgRulesSource } from '../org/org-rules.ts';
import { enqueueCalendarWindows } from '../queue/calendar-jobs.ts';
import { addJob, type Executor, enqueueRetroSearch } from '../queue/enqueue.ts';
import { MAX_ATTEMPTS, type RetroSearchPayload, retroOrgJobKey, TASK } from '../queue/job-names.ts';
import { logMessages, STORE_SLICE, SyncIncomplete } from '../sync/log-messages.ts';
import { makeProgressTracker } from '../sync/progress-tracker.ts';
import type { SharedStatements } from '../sync/shared-statements.ts';
import type { SyncContext } from '../sync/sync-context.ts';
import { relinkActivities } from './relink-activities.ts';

/**
 * Full search queries per mailbox job (crm-search.ts's groups: as many addresses as a query holds),
 * so a bulk import is many small retryable jobs and no query goes out half empty.
 */
const QUERIES_PER_JOB = 2;
/**
 * Records taken per planning run (a change row holds up to 1,000, migrations/0017); more wait for
 * the next run, queued at once, so 100,000 records are planned a thousand at a time.
 */
const RECORDS_PER_PLAN = 1_000;

export interface RetroDeps {
  db: Db;
  log: Logger;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
  shared: SharedStatements;
  backfillDays: number;
  retroDays: number;
  orgRules: OrgRulesSource;
  /** Gmail-shaped delays (config-timings.ts): the second search's wait, a 404's grace. */
  timings: Timings;
}

/** Records that a CRM record's addresses changed and wakes its org's search, in one transaction. */
export async function recordEntityChange(
  db: Db,
  orgId: string,
  entityType: string,
  entityId: string,
): Promise<string> {
  return db.transaction(async (tx) => {
    // A record already waiting for its search is not queued twice: repeated calls coalesce.
    await tx.execute(sql`
      insert into crm_entity_changes (org_id, entity_type, entity_ids)
      select ${orgId}, ${entityType}, array[${entityId}::uuid]
       where not exists (select 1 from crm_entity_changes
                          where org_id = ${orgId} and entity_type = ${entityType}
                            and entity_ids = array[${entityId}::uuid])`);
    return enqueueRetroOrg(tx, orgId);
  });
}

export function enqueueRetroOrg(db: Executor, orgId: string): Promise<string> {
  return addJob(
    db,
    TASK.retroOrg,
    { org_id: orgId },
    { jobKey: retroOrgJobKey(orgId), maxAttempts: MAX_ATTEMPTS.retroOrg },
  );
}

/**
 * The org's pending changes become search jobs for each connected mailbox (two queries' worth of
 * terms each); the changes are deleted in the transaction that queues their searches.
 */
export async function planRetroSearch(
  deps: { db: Db; orgRules: OrgRulesSource },
  orgId: string,
): Promise<number> {
  const rules = await deps.orgRules.forOrg(orgId);
  return deps.db.transaction(async (tx) => {
    // The oldest change rows whose records fill one run (the first however large), locked: a second
    // planner of the org (a change committed while this one ran wakes one) takes the next ones.
    const { rows: changes } = await tx.execute<{ id: number; entity_ids: string[] }>(sql`
      select id, array_to_json(entity_ids) as entity_ids from (
        select id, entity_ids, sum(cardinality(entity_ids)) over (order by id) as upto
          from (select id, entity_ids from crm_entity_changes
                 where org_id = ${orgId} order by id limit ${RECORDS_PER_PLAN}
                   for update skip locked) oldest) counted
       where upto - cardinality(entity_ids) < ${RECORDS_PER_PLAN} order by id`);
    if (changes.length === 0) return 0;
    const terms = await changedTerms(tx, orgId, changes, rules);
    const { rows: boxes } = await tx.execute<{ id: string }>(sql`
      select id from mailboxes where org_id = ${orgId} and status in ('active', 'syncing', 'error')`);
    const groups = queryGroups(terms);
    for (const box of boxes) {
      for (let i = 0; i < groups.length; i += QUERIES_PER_JOB) {
        const jobTerms = groups.slice(i, i + QUERIES_PER_JOB).flat();
        await enqueueRetroSearch(tx, { mailbox_id: box.id, terms: jobTerms });
      }
    }
    await tx.execute(sql`
      delete from crm_entity_changes where id = any(${sqlArray(
        changes.map((c) => c.id),
        'bigint',
      )})`);
    // Meetings too: each calendar of the org lists its window again (src/calendar/).
    await enqueueCalendarWindows(tx, orgId);
    const { rows: more } = await tx.execute<{ more: boolean }>(sql`
      select exists (select 1 from crm_entity_changes where org_id = ${orgId}) as more`);
    if (more[0]?.more) await enqueueRetroOrg(tx, orgId);
    return terms.length * boxes.length;
  });
}

/** The searchable addresses and @domains of the changed records, less the org's erased people. */
async function changedTerms(
  db: Executor,
  orgId: string,
  changes: { entity_ids: string[] }[],
  rules: { anyErased(addresses: readonly string[]): boolean },
): Promise<string[]> {
  const ids = sqlArray(
    changes.flatMap((c) => c.entity_ids),
    'uuid',
  );
  // Records are read through the views, so a deployment that redefined them is searched the same.
  const { rows } = await db.execute<{ term: string }>(sql`
    select distinct email as term from crm_entity_emails
     where org_id = ${orgId} and entity_id = any(${ids})
    union
    select distinct '@' || domain from crm_company_domains
     where org_id = ${orgId} and entity_id = any(${ids})`);
  // A person erased from the org is never searched for (nor named in a job).
  return rows
    .map((r) => r.term)
    .filter(searchable)
    .filter((t) => !rules.anyErased([t]));
}

export interface RetroResult {
  listed: number;
  logged: number;
  relinked: number;
}

/** One mailbox's search for some terms, and the logging and linking of what it finds. */
export async function runRetroSearch(
  deps: RetroDeps,
  payload: RetroSearchPayload,
): Promise<RetroResult | undefined> {
  const mailbox = await deps.shared.readMailbox(payload.mailbox_id);
  if (!mailbox || !['active', 'syncing', 'error'].includes(mailbox.status)) return undefined;
  // The owner's own addresses and domains would find all its mail, and link to none of it.
  const owners = ownerAddresses(mailbox);
  const own = ownDomains(owners);
  const rules = await deps.orgRules.forOrg(mailbox.orgId);
  const terms = payload.terms.filter(
    (t) => !owners.includes(t) && !own.has(t.slice(1)) && !rules.anyErased([t]),
  );
  if (terms.length === 0) return undefined;
  try {
    const result = await searchAndLog(deps, mailbox, terms);
    if ((payload.pass ?? 1) === 1) await searchAgainLater(deps, { ...payload, terms });
    deps.log.info(
      { ...result, mailbox_id: mailbox.id, pass: payload.pass ?? 1 },
      'retroactive search done',
    );
    return result;
  } catch (error) {
    // A grant gone meanwhile is the mailbox's state, not a job to retry.
    if (await handleRevokedGrant(deps, mailbox, error)) return undefined;
    throw error;
  }
}

async function searchAndLog(
  deps: RetroDeps,
  mailbox: Mailbox,
  terms: string[],
): Promise<RetroResult> {
  const { gmail, batch } = await deps.mailboxAuth.accessFor(mailbox);
  // Shown in status `progress` like any backfill: counted at the pacer, its total once listed.
  const progress = makeProgressTracker(deps.db, mailbox.id, deps.pacers.forMailbox(mailbox.id));
  progress.begin('retroactive_search');
  const ctx: SyncContext = {
    db: deps.db,
    log: deps.log.child({ mailbox_id: mailbox.id }),
    gmail,
    batch,
    pacer: progress.pacer,
    progress,
    mailbox,
    backfillDays: deps.backfillDays,
    shared: deps.shared,
    orgRules: deps.orgRules,
    timings: deps.timings,
  };
  const since = new Date(Date.now() - deps.retroDays * 24 * 60 * 60 * 1000);
  try {
    const ids = await listMatchingIds(ctx, terms, since);
    await progress.total(ids);
    const result: RetroResult = { listed: ids.length, logged: 0, relinked: 0 };
    const pending: string[] = [];
    for (let i = 0; i < ids.length; i += STORE_SLICE) {
      const slice = ids.slice(i, i + STORE_SLICE);
      const batchResult = await logMessages(ctx, slice, null);
      result.logged += batchResult.logged;
      pending.push(...batchResult.pending);
      result.relinked += await relinkActivities(deps.db, mailbox, slice);
    }
    if (pending.length > 0)
      throw new SyncIncomplete(`${pending.length} messages failed; will retry`);
    return result;
  } finally {
    await progress.end();
  }
}

/**
 * Gmail's search index trails the mailbox: a mail that arrived seconds before the record was made
 * may not be found yet (and the sync saw it when nothing matched). Each search runs once more
 * `retroSearchSettleMs` later; only mail not yet logged is fetched again, so the second run costs
 * the list pages.
 */
function searchAgainLater(deps: RetroDeps, payload: RetroSearchPayload): Promise<string> {
  const again: RetroSearchPayload = { ...payload, pass: 2 };
  return enqueueRetroSearch(
    deps.db,
    again,
    new Date(Date.now() + deps.timings.retroSearchSettleMs),
  );
}

/** Only terms Gmail reads as plain tokens (gmail-search-terms.ts); a free-mail @domain is everyone. */
function searchable(term: string): boolean {
  if (!isPlainSearchTerm(term)) return false;
  return !term.startsWith('@') || !isFreeMailDomain(term.slice(1));
}
