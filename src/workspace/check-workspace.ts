// A Workspace's check (a job: once when registered, then daily, queued by the poll): read the
// domain's users as its administrator, connect every one in scope not yet connected, bring back
// one whose mailbox lost its delegation, and disconnect the suspended, the deleted and those taken
// out of scope. An unauthorised client is recorded (`unauthorized`, with the client id and scopes
// the admin must authorise) and not retried: the next daily check looks again. Only a transient
// failure (network, 5xx, rate) throws, for the job's own retries.
import type { Db } from '../db/database.ts';
import { and, ne, sql } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import type { GoogleConfig } from '../google/clients.ts';
import { type Delegation, delegatedClient } from '../google/delegated-tokens.ts';
import { DIRECTORY_SCOPE, type DirectoryUser, listDomainUsers } from '../google/directory.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import { askedScopes } from '../mailbox/connect.ts';
import { connectDelegatedMailbox } from './connect-delegated.ts';
import { releaseWorkspaceMailboxes } from './release-mailboxes.ts';
import { restoreDelegatedMailbox } from './restore-delegated.ts';
import {
  type CheckOutcome,
  findWorkspace,
  recordCheck,
  recordCheckError,
  type Workspace,
} from './workspace-store.ts';

export interface WorkspaceDeps {
  db: Db;
  google: GoogleConfig;
  delegation: Delegation | undefined;
  pacers: PacerRegistry;
  log: Logger;
}

/** Users connected at once: each is a few calls on its own quota; the job stays bounded. */
const CONNECT_CONCURRENCY = 8;

/** Every scope the admin must authorise for our client, the directory's first. */
export const delegatedScopes = (google: GoogleConfig) => [DIRECTORY_SCOPE, ...askedScopes(google)];

export async function checkWorkspace(
  deps: WorkspaceDeps,
  orgId: string,
): Promise<CheckOutcome | undefined> {
  const ws = await findWorkspace(deps.db, orgId);
  if (!ws) return undefined;
  const empty = { found: 0, connected: 0, failed: 0, suspended: 0 };
  if (!deps.delegation) {
    const outcome = {
      ...empty,
      state: 'error' as const,
      lastError: 'GOOGLE_DELEGATION_SERVICE_ACCOUNT is unset',
    };
    await recordCheck(deps.db, orgId, outcome);
    return outcome;
  }
  const delegation = deps.delegation;
  let users: DirectoryUser[];
  try {
    const auth = delegatedClient(deps.google, delegation, ws.adminEmail, [DIRECTORY_SCOPE]);
    users = await listDomainUsers(deps.google, auth, ws.domain);
  } catch (error) {
    const outcome = await refusal(deps, delegation, ws, error);
    await recordCheck(deps.db, orgId, { ...empty, ...outcome });
    return { ...empty, ...outcome };
  }
  const outcome = await reconcileUsers({ ...deps, delegation }, ws, users);
  await recordCheck(deps.db, orgId, outcome);
  deps.log.info({ org_id: orgId, ...outcome, lastError: undefined }, 'workspace checked');
  return outcome;
}

/** Why the directory could not be read, as the state to record; a transient failure throws. */
async function refusal(
  deps: WorkspaceDeps,
  delegation: Delegation,
  ws: Workspace,
  error: unknown,
): Promise<Pick<CheckOutcome, 'state' | 'lastError' | 'clientId'>> {
  const failure = classifyGoogleError(error);
  if (failure.kind === 'revoked' && failure.reason.startsWith('unauthorized_client')) {
    return { state: 'unauthorized', ...(await unauthorizedMessage(deps.google, delegation)) };
  }
  if (failure.kind === 'revoked' || failure.kind === 'account_unavailable') {
    return {
      state: 'error',
      lastError: `${ws.adminEmail} cannot be acted as (${failure.reason}): name an active administrator`,
    };
  }
  if (failure.kind === 'fatal' && failure.status === 403) {
    return {
      state: 'error',
      lastError: `${ws.adminEmail} may not read the directory of ${ws.domain}: name an administrator of the domain`,
    };
  }
  if (failure.kind === 'retryable') {
    await recordCheckError(deps.db, ws.orgId, `directory unreachable: ${failure.reason}`);
    throw error;
  }
  return { state: 'error', lastError: `the directory refused: ${failure.reason}` };
}

/** What the admin must authorise, said so they can do it: the client id and every scope. */
async function unauthorizedMessage(google: GoogleConfig, delegation: Delegation) {
  const clientId = await delegation.clientId().catch(() => null);
  const client = clientId
    ? `client ${clientId} (${delegation.serviceAccount})`
    : delegation.serviceAccount;
  return {
    clientId,
    lastError: `the Workspace admin has not authorised ${client} for domain-wide delegation with the scopes ${delegatedScopes(google).join(', ')} (Admin console: Security, Access and data control, API controls, Domain-wide delegation)`,
  };
}

async function reconcileUsers(
  deps: WorkspaceDeps & { delegation: Delegation },
  ws: Workspace,
  directory: DirectoryUser[],
): Promise<CheckOutcome> {
  const listed = ws.users === 'all' ? undefined : new Set(ws.users.emails);
  const inScope = directory.filter((u) => !listed || listed.has(u.email));
  const active = new Set(inScope.filter((u) => !u.suspended).map((u) => u.email));
  const suspended = new Set(inScope.filter((u) => u.suspended).map((u) => u.email));
  // The org's own live mailboxes, and whoever holds the addresses in scope (another org may).
  const addresses = sqlArray([...active], 'text');
  const live = await deps.db
    .select()
    .from(mailboxes)
    .where(
      and(
        ne(mailboxes.status, 'disconnected'),
        sql`(${mailboxes.orgId} = ${ws.orgId} or ${mailboxes.email} = any(${addresses}))`,
      ),
    );
  const holders = new Map(live.filter((m) => active.has(m.email)).map((m) => [m.email, m]));
  const ours = live.filter((m) => m.orgId === ws.orgId && m.connectedVia === 'workspace');

  let connected = 0;
  let failed = listed ? [...listed].filter((e) => !directory.some((u) => u.email === e)).length : 0;
  let unauthorized = false;
  await eachLimited([...active], CONNECT_CONCURRENCY, async (email) => {
    const holder = holders.get(email);
    try {
      const ok = !holder
        ? await connectDelegatedMailbox(deps, ws.orgId, ws.domain, email)
        : holder.orgId !== ws.orgId
          ? false
          : holder.connectedVia === 'user' || (await restoreDelegatedMailbox(deps, holder));
      if (ok) connected += 1;
      else failed += 1;
    } catch (error) {
      failed += 1;
      const failure = classifyGoogleError(error);
      if (failure.kind === 'revoked' && failure.reason.startsWith('unauthorized_client'))
        unauthorized = true;
      deps.log.warn({ org_id: ws.orgId, reason: failure.reason }, 'workspace user not connected');
    }
  });

  const gone = ours.filter((m) => !active.has(m.email));
  const bySuspension = gone.filter((m) => suspended.has(m.email)).map((m) => m.id);
  const byDeletion = gone
    .filter((m) => !suspended.has(m.email) && !(listed && !listed.has(m.email)))
    .map((m) => m.id);
  const byScope = gone.filter((m) => listed && !listed.has(m.email)).map((m) => m.id);
  await releaseWorkspaceMailboxes(deps.db, ws.orgId, { ids: bySuspension, reason: 'suspended' });
  await releaseWorkspaceMailboxes(deps.db, ws.orgId, { ids: byDeletion, reason: 'deleted' });
  await releaseWorkspaceMailboxes(deps.db, ws.orgId, { ids: byScope, reason: 'out_of_scope' });

  const counts = { found: inScope.length, connected, failed, suspended: suspended.size };
  if (unauthorized)
    return {
      ...counts,
      state: 'unauthorized',
      ...(await unauthorizedMessage(deps.google, deps.delegation)),
    };
  return { ...counts, state: 'active', lastError: null };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
