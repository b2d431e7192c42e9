// PUT and DELETE /org/workspace as use cases: a Workspace registered (or replaced) is checked at
// once by a job; one removed takes its delegated mailboxes with it (activities stay). A domain
// changed by a PUT is a removal of the old one first: its mailboxes are no longer the org's.
import type { Db } from '../db/database.ts';
import { eq } from '../db/orm.ts';
import { workspaces } from '../db/schema.ts';
import { releaseWorkspaceMailboxes } from './release-mailboxes.ts';
import { enqueueWorkspaceCheck } from './workspace-jobs.ts';
import { deleteWorkspace, saveWorkspace, type WorkspaceInput } from './workspace-store.ts';

export async function registerWorkspace(
  db: Db,
  orgId: string,
  input: WorkspaceInput,
): Promise<string> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ domain: workspaces.domain })
      .from(workspaces)
      .where(eq(workspaces.orgId, orgId))
      .for('update');
    if (before && before.domain !== input.domain) {
      await releaseWorkspaceMailboxes(tx, orgId, { all: true });
    }
    await saveWorkspace(tx, orgId, input);
    return enqueueWorkspaceCheck(tx, orgId);
  });
}

/** The Workspace and its delegated mailboxes: how many were disconnected. */
export async function removeWorkspace(db: Db, orgId: string): Promise<number> {
  return db.transaction(async (tx) => {
    const released = await releaseWorkspaceMailboxes(tx, orgId, { all: true });
    await deleteWorkspace(tx, orgId);
    return released;
  });
}
