// What every job on one mailbox's mail is given (sync/sync-context.ts's SyncDeps), built once for
// the worker's task list from the service's deps.
import type { Deps } from '../deps.ts';
import { makeSharedStatements } from '../sync/shared-statements.ts';

export function makeSyncDeps(deps: Deps) {
  return {
    db: deps.database.db,
    shared: makeSharedStatements(deps.database.db),
    log: deps.log,
    mailboxAuth: deps.mailboxAuth,
    pacers: deps.pacers,
    backfillDays: deps.config.sync.backfillDays,
    retroDays: deps.config.sync.retroDays,
    metrics: deps.metrics,
    searchFirst: deps.config.sync.searchFirst,
    orgRules: deps.orgRules,
    timings: deps.config.timings,
  };
}
