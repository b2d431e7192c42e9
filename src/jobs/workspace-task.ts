// The worker's task for a Workspace's check (workspace/check-workspace.ts): once when registered,
// then daily; the CRM is told at once of the mailboxes it connected or disconnected.
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { requestEventDelivery } from '../events/deliver-events.ts';
import { checkWorkspace } from '../workspace/check-workspace.ts';

const orgPayload = z.object({ org_id: z.string().min(1) });

export function makeWorkspaceTask(deps: Deps): Task {
  const checkDeps = {
    db: deps.database.db,
    google: deps.config.google,
    delegation: deps.delegation,
    pacers: deps.pacers,
    log: deps.log,
  };
  return async (payload) => {
    await checkWorkspace(checkDeps, orgPayload.parse(payload).org_id);
    if (deps.config.crm.webhookUrl) await requestEventDelivery(deps.database.db);
  };
}
