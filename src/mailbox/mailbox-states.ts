// A mailbox's life as states and the moves between them: the one table every status write obeys
// (mailbox-transitions.ts turns it into each statement's guard) and docs/mailbox-states.md draws
// (test/mailbox/mailbox-states-doc.test.ts holds the two equal). No database here: the rules only.
//
// Glossary:
//   status      where the mailbox is in its life: `syncing` (connected, first sync not done),
//               `active`, `error` (the last sync failed; the poll retries after a backoff),
//               `needs_admin` (the account out of reach; probed hourly), `revoked` (the grant is
//               gone; connect again), `disconnected` (no more work; the row stays as history).
//   event       what moves it (a sync's end, Google's answer, a user's or admin's act).
//   flags       columns beside the status that never change it (mailbox-store.ts, mailbox-cursor.ts):
//               `throttled_until`, the watch's expiry and a `watch failed` last error, the poll's
//               `quiet_history_id`/`missed_push_at`, `pending_revoke`, the granted `scopes`.
import { MAILBOX_STATUSES, type MailboxStatus } from '../db/schema.ts';

/** A mailbox before its row exists: drawn `[*]`. */
export type MailboxState = MailboxStatus | 'new';

const LIVE = ['active', 'syncing', 'error', 'needs_admin', 'revoked'] as const;

/** Every event, the states it may leave (`from`), the one it enters (`to`), and what triggers it. */
export const MAILBOX_TRANSITIONS = {
  connected: {
    from: ['new', ...LIVE, 'disconnected'],
    to: 'syncing',
    trigger:
      "the user finished Google's consent: a new row, their own row again, or the org's delegated row of that address taken over",
  },
  delegated: {
    from: ['new', 'disconnected'],
    to: 'syncing',
    trigger: "a Workspace's check found a user in scope: connected through the domain's delegation",
  },
  delegation_restored: {
    from: ['revoked'],
    to: 'syncing',
    trigger: 'a Workspace check can mint a token as the user again',
  },
  synced: {
    from: ['syncing', 'error', 'active', 'needs_admin'],
    to: 'active',
    trigger: 'a sync finished (an account out of reach is back by itself)',
  },
  sync_failed: {
    from: ['active', 'syncing', 'error'],
    to: 'error',
    trigger: 'a sync failed: retried by the poll after a backoff doubling up to an hour',
  },
  account_unavailable: {
    from: ['active', 'syncing', 'error', 'needs_admin'],
    to: 'needs_admin',
    trigger: 'Google says the account is out of reach (Gmail disabled, domain policy, suspended)',
  },
  grant_revoked: {
    from: ['active', 'syncing', 'error', 'needs_admin'],
    to: 'revoked',
    trigger: 'Google refused the grant (invalid_grant) or the delegation',
  },
  disconnected: {
    from: LIVE,
    to: 'disconnected',
    trigger:
      'the user disconnected, or a Workspace released it (user suspended, deleted, out of scope)',
  },
} as const satisfies Record<
  string,
  { from: readonly MailboxState[]; to: MailboxStatus; trigger: string }
>;

export type MailboxEvent = keyof typeof MAILBOX_TRANSITIONS;
/** The states `E` may leave, known to the compiler. */
export type FromState<E extends MailboxEvent> = (typeof MAILBOX_TRANSITIONS)[E]['from'][number];
export type ToStatus<E extends MailboxEvent> = (typeof MAILBOX_TRANSITIONS)[E]['to'];

/** A move the table refuses: a bug of ours (or a row written by hand), never a user's error. */
export class IllegalTransition extends Error {
  readonly event: MailboxEvent;
  readonly from: string;
  constructor(event: MailboxEvent, from: string) {
    super(`mailbox transition refused: ${event} from ${from}`);
    this.name = 'IllegalTransition';
    this.event = event;
    this.from = from;
  }
}

/** A status read from the database, checked: a string no state names is refused. */
export function parseStatus(value: string): MailboxStatus {
  const status = MAILBOX_STATUSES.find((s) => s === value);
  if (status === undefined) throw new Error(`unknown mailbox status: ${value}`);
  return status;
}

export function canTransition(event: MailboxEvent, from: string): boolean {
  return (MAILBOX_TRANSITIONS[event].from as readonly string[]).includes(from);
}

/** The state `event` moves a mailbox in `from` to: a state the event cannot leave does not compile. */
export function transition<E extends MailboxEvent>(event: E, from: FromState<E>): ToStatus<E> {
  return checkedTransition(event, from);
}

/**
 * The same for a state read from the database (or any string): one the event cannot leave throws
 * IllegalTransition.
 */
export function checkedTransition<E extends MailboxEvent>(event: E, from: string): ToStatus<E> {
  if (!canTransition(event, from)) throw new IllegalTransition(event, from);
  return MAILBOX_TRANSITIONS[event].to;
}

/** The stored statuses `event` may leave (without `new`): the guard of its statement. */
export function leavableStatuses(event: MailboxEvent): MailboxStatus[] {
  const from: readonly MailboxState[] = MAILBOX_TRANSITIONS[event].from;
  return from.filter((s): s is MailboxStatus => s !== 'new');
}

/** The table as edges (`new` for a row not yet written): what the diagram must draw. */
export function transitionEdges(): {
  from: MailboxState;
  to: MailboxStatus;
  event: MailboxEvent;
}[] {
  return Object.entries(MAILBOX_TRANSITIONS).flatMap(([event, t]) =>
    t.from.map((from) => ({ from, to: t.to, event: event as MailboxEvent })),
  );
}
