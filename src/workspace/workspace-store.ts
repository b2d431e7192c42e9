// Reads and writes of the workspaces table: one row per org, its domain held by that org alone.
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/database-errors.ts';
import { eq, sql } from '../db/orm.ts';
import { type WorkspaceState, type WorkspaceUsers, workspaces } from '../db/schema.ts';
import type { Executor } from '../queue/enqueue.ts';

export type Workspace = typeof workspaces.$inferSelect;

export async function findWorkspace(db: Db, orgId: string): Promise<Workspace | undefined> {
  const rows = await db.select().from(workspaces).where(eq(workspaces.orgId, orgId)).limit(1);
  return rows[0];
}

export interface WorkspaceInput {
  domain: string;
  adminEmail: string;
  users: WorkspaceUsers;
  createdBy: string;
}

/**
 * The org's Workspace, registered or replaced, to be checked afresh. A domain another org holds is
 * refused: one Workspace's mail belongs to one CRM tenant.
 */
export async function saveWorkspace(tx: Executor, orgId: string, input: WorkspaceInput) {
  const { rows } = await tx
    .execute<{ org_id: string }>(sql`
    insert into workspaces (org_id, domain, admin_email, users, created_by)
    values (${orgId}, ${input.domain}, ${input.adminEmail}, ${JSON.stringify(input.users)}::jsonb,
            ${input.createdBy})
    on conflict (org_id) do update
       set domain = excluded.domain, admin_email = excluded.admin_email, users = excluded.users,
           state = 'active', found = 0, connected = 0, failed = 0, suspended = 0,
           checked_at = null, last_error = null, updated_at = now()
    returning org_id`)
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) return { rows: [] };
      throw error;
    });
  if (rows.length === 0) {
    throw new AppError('workspace_taken', `${input.domain} is connected by another organisation`);
  }
}

/** The org's Workspace removed, in the transaction that releases its delegated mailboxes. */
export async function deleteWorkspace(tx: Pick<Db, 'delete'>, orgId: string): Promise<void> {
  await tx.delete(workspaces).where(eq(workspaces.orgId, orgId));
}

export interface CheckOutcome {
  state: WorkspaceState;
  found: number;
  connected: number;
  failed: number;
  suspended: number;
  lastError: string | null;
  clientId?: string | null | undefined;
}

/** What a check found; the time it ran is what the daily check counts from. */
export async function recordCheck(db: Db, orgId: string, outcome: CheckOutcome): Promise<void> {
  await db
    .update(workspaces)
    .set({
      state: outcome.state,
      found: outcome.found,
      connected: outcome.connected,
      failed: outcome.failed,
      suspended: outcome.suspended,
      lastError: outcome.lastError?.slice(0, 1000) ?? null,
      ...(outcome.clientId !== undefined ? { clientId: outcome.clientId } : {}),
      checkedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(workspaces.orgId, orgId));
}

/** A check that will be retried: its error shows meanwhile, the rest stays as last found. */
export async function recordCheckError(db: Db, orgId: string, error: string): Promise<void> {
  await db
    .update(workspaces)
    .set({ lastError: error.slice(0, 1000), updatedAt: sql`now()` })
    .where(eq(workspaces.orgId, orgId));
}
