// The worker's tasks for Workspaces (workspace/check-workspace.ts): one Workspace's check (once
// when registered, then daily), and the hourly cron item that queues the checks due (a day after
// the last).
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { TASK } from '../queue/job-names.ts';
import { checkWorkspace } from '../workspace/check-workspace.ts';
import { queueDueWorkspaceChecks } from '../workspace/workspace-jobs.ts';

const orgPayload = z.object({ org_id: z.string().min(1) });

export function makeWorkspaceTasks(deps: Deps): Record<string, Task> {
  const checkDeps = {
    db: deps.database.db,
    google: deps.config.google,
    delegation: deps.delegation,
    pacers: deps.pacers,
    log: deps.log,
  };
  return {
    [TASK.checkWorkspace]: async (payload) => {
      await checkWorkspace(checkDeps, orgPayload.parse(payload).org_id);
    },
    [TASK.queueWorkspaceChecks]: async () => {
      const queued = await queueDueWorkspaceChecks(deps.database.db);
      if (queued > 0) deps.log.info({ queued }, 'workspace checks queued');
    },
  };
}
