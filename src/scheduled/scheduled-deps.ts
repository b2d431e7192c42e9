// The part of the service's deps that sending (now or later) uses, picked out once for the
// routes and the worker alike.
import type { Deps } from '../deps.ts';
import type { RunScheduledDeps } from './run-scheduled.ts';

export function sendingDeps(deps: Deps): RunScheduledDeps {
  return {
    db: deps.database.db,
    log: deps.log,
    mailboxAuth: deps.mailboxAuth,
    pacers: deps.pacers,
    publicUrl: deps.config.publicUrl,
    unsubscribeKeys: deps.unsubscribeKeys,
    orgRules: deps.orgRules,
    vault: deps.vault,
    locks: deps.database.locks,
    unknownRetryMs: deps.config.timings.scheduledUnknownRetryMs,
    busyRetryMs: deps.config.timings.mailboxBusyRetryMs,
  };
}
