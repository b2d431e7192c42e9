// Every job the worker runs, by name: task identifiers, the keys that coalesce waiting jobs, the
// session locks that keep two runs apart, and how often each is tried. Imports nothing, so the
// queue's writers (sync, mailbox, events) and its reader (jobs/task-list.ts) agree on one list.

export const TASK = {
  syncMailbox: 'sync_mailbox',
  renewWatch: 'renew_watch',
  finishDisconnect: 'finish_disconnect',
  deliverEvents: 'deliver_events',
  poll: 'poll',
  /** Named in the CRM tables' trigger too (migrations/0017): a record's addresses changed in this org. */
  retroOrg: 'retro_org',
  retroSearch: 'retro_search',
  refreshSendAs: 'refresh_send_as',
  reconcileMailbox: 'reconcile_mailbox',
  matchPending: 'match_pending',
  /** The poll's cheap check of a mailbox whose pushes are healthy (ingest/check-mailbox.ts). */
  checkMailbox: 'check_mailbox',
  /** A mail scheduled for later (scheduled/run-scheduled.ts). */
  sendScheduled: 'send_scheduled',
  /** The audit of what search let go: after each reconciliation, and daily (search-audit/). */
  auditMailbox: 'audit_mailbox',
  /** A Workspace's users read and connected (workspace/check-workspace.ts): once, then daily. */
  checkWorkspace: 'check_workspace',
  /** The hourly cron item that queues the Workspace checks due (a day after the last). */
  queueWorkspaceChecks: 'queue_workspace_checks',
  /** A mailbox's calendar: incremental, full, or a window of occurrences (src/calendar/). */
  calendarSync: 'calendar_sync',
  /** A send whose answer was lost, looked up again until Gmail can say (send/resolve-send.ts). */
  resolveSend: 'resolve_send',
} as const;

export const MAX_ATTEMPTS = {
  syncMailbox: 10,
  renewWatch: 5,
  finishDisconnect: 25,
  retroOrg: 10,
  retroSearch: 10,
  refreshSendAs: 5,
  reconcileMailbox: 5,
  matchPending: 10,
  /** As a sync: a check that finds a missed push runs one. */
  checkMailbox: 10,
  /** Its own retries are planned by the task (backoff, Gmail's limits); these are for crashes. */
  sendScheduled: 25,
  auditMailbox: 5,
  /** Only transient failures throw; a refusal is recorded and waits for the daily check. */
  checkWorkspace: 5,
  calendarSync: 10,
  resolveSend: 10,
} as const;

/** One check of an org's Workspace waits at a time. */
export const workspaceJobKey = (orgId: string) => `workspace:${orgId}`;

/** What a calendar job reads: changes since its token, everything again, or a window of time. */
export type CalendarSyncMode = 'incremental' | 'full' | 'window';

/** One calendar job of each mode waits per mailbox (a notification never replaces a full sync). */
export const calendarJobKey = (mailboxId: string, mode: CalendarSyncMode) =>
  `calendar-${mode}:${mailboxId}`;

/** The session lock a calendar sync of this mailbox holds (apart from its mail's). */
export const calendarLockName = (mailboxId: string) => `calendar-sync:${mailboxId}`;

/** One retroactive search plan per org waits at a time (the trigger in migrations/0003 uses it). */
export const retroOrgJobKey = (orgId: string) => `retro:${orgId}`;

/** A mailbox's retroactive searches run one at a time, in order: a bulk import's thousand jobs hold
 * one worker, waiting on the mailbox's pacer, not all of them. */
export const retroSearchQueue = (mailboxId: string) => `retro-search:${mailboxId}`;

/** Job key of a mailbox's pending sync: coalesces the pushes that arrive while it waits. Full and
 * incremental syncs have separate keys so a push never replaces a pending full sync. */
export const syncJobKey = (mailboxId: string, full = false) =>
  `${full ? 'full-sync' : 'sync'}:${mailboxId}`;

/** Job key of the sync that follows a push a moment later (see ingest/notifications.ts): its own
 * key, so it neither replaces nor is replaced by the sync the push queued at once. */
export const trailingSyncJobKey = (mailboxId: string) => `sync-trailing:${mailboxId}`;

export const watchJobKey = (mailboxId: string) => `watch:${mailboxId}`;

/** Job key of a disconnect's stop and revocation still owed at Google. */
export const disconnectJobKey = (mailboxId: string) => `disconnect:${mailboxId}`;

export const DELIVER_EVENTS_JOB = { key: 'deliver-events', queue: 'crm-events' } as const;

/** The session lock a sync of this mailbox holds. */
export const syncLockName = (mailboxId: string) => `mailbox-sync:${mailboxId}`;

export interface SyncJobPayload {
  mailbox_id: string;
  full?: boolean;
  /** Ask getProfile (1 unit) first and list history (2) only if Gmail moved past the cursor. */
  probe?: boolean;
}

/** Job key of a mailbox's pending reconciliation: one waits at a time. */
export const reconcileJobKey = (mailboxId: string) => `reconcile:${mailboxId}`;

export interface ReconcileJobPayload {
  mailbox_id: string;
  /** `backfill`: the whole backfill window (after connect, a full sync, a recovery). */
  window?: 'backfill' | 'since_last';
}

/** Job key of a mailbox's next audit of the mail search let go: one waits at a time. */
export const auditJobKey = (mailboxId: string) => `audit:${mailboxId}`;

/** Job key of a mailbox's next search for its pending mail (search-first/): one waits. */
export const matchJobKey = (mailboxId: string) => `match:${mailboxId}`;
/** Job key of a mailbox's pending poll check: one waits at a time, apart from its syncs (a check
 * must never replace a sync a push queued). */
export const checkJobKey = (mailboxId: string) => `check:${mailboxId}`;

/** The keys of every job that calls Gmail for this mailbox: what a throttle puts off. */
export const mailboxJobKeys = (mailboxId: string) => [
  syncJobKey(mailboxId),
  syncJobKey(mailboxId, true),
  trailingSyncJobKey(mailboxId),
  reconcileJobKey(mailboxId),
  matchJobKey(mailboxId),
  checkJobKey(mailboxId),
  watchJobKey(mailboxId),
];

/** One job a send whose outcome is unknown: keyed by the Message-ID we gave the mail. */
export const resolveSendJobKey = (mailboxId: string, messageIdHeader: string) =>
  `resolve-send:${mailboxId}:${messageIdHeader}`;

export interface ResolveSendPayload {
  mailbox_id: string;
  /** The Message-ID header the mail was sent with, `<…@…>`. */
  message_id_header: string;
  /** When the send was made (RFC 3339): resolution gives up on finding it after a window. */
  sent_at: string;
  /** The mailbox's cursor before the send: where the lookup reads SENT's history from. */
  history_id_before?: string;
  created_by_name: string;
  entity_type?: 'contact' | 'lead' | 'deal' | 'company';
  entity_id?: string;
  /** The request's Idempotency-Key and its caller: their stored answer becomes the resolved one. */
  idempotency_key?: string;
  caller_user_id?: string;
}

export interface CheckJobPayload {
  mailbox_id: string;
  /** A second look, after a grace for pushes in flight, at the historyId Gmail answered a first
   * look with (ahead of the cursor). */
  profile_history_id?: string;
}

/** A retroactive search of one mailbox for some CRM terms (retro-search/retro-search.ts), or a
 * blocklist entry lifted (crm/blocklist-lookback.ts). */
export interface RetroSearchPayload {
  mailbox_id: string;
  terms: string[];
  /** 1, then 2 for the run after the search index has settled. */
  pass?: number | undefined;
}

/** Job key of a scheduled mail's next attempt: one waits at a time. */
export const scheduledJobKey = (scheduledId: string) => `scheduled:${scheduledId}`;

/** The session lock an attempt at a scheduled mail holds: two processes never send it at once. */
export const scheduledLockName = (scheduledId: string) => `scheduled-send:${scheduledId}`;
