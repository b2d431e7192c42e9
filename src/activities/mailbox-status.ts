// The connection's state as the CRM shows it to the user.
import type { Db } from '../db/database.ts';
import type { SendAsAddress } from '../db/schema.ts';
import { type DeliveryState, eventDeliveryState } from '../events/deliver-events.ts';
import { type PushHealthView, readPushHealth } from '../ingest/push-health.ts';
import { findMailboxForUser, type Mailbox } from '../mailbox/mailbox-store.ts';
import {
  type CompletenessView,
  readCompleteness,
  unrepairedMessage,
} from '../reconcile/reconcile-store.ts';
import { type ProgressView, readProgress } from '../sync/progress.ts';

export interface MailboxStatusView {
  connected: boolean;
  email: string | null;
  status: Mailbox['status'] | 'disconnected';
  connected_at: string | null;
  last_sync_at: string | null;
  last_push_at: string | null;
  watch_expires_at: string | null;
  lag_seconds: number | null;
  last_error: string | null;
  /** Gmail refused the mailbox for rate until then (its work waits); null once that time passed. */
  throttled_until: string | null;
  scopes: string[];
  /** The verified send-as addresses: the primary and its aliases. */
  send_as: SendAsAddress[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * How far behind the mailbox is: zero when the last sync covers the last push, else the age of the
 * oldest unsynced news (a push after the last sync, or a connection never synced).
 */
export function lagSeconds(
  m: Pick<Mailbox, 'lastSyncAt' | 'lastPushAt' | 'connectedAt'>,
  now = Date.now(),
): number {
  if (!m.lastSyncAt) return Math.max(0, Math.round((now - m.connectedAt.getTime()) / 1000));
  if (m.lastPushAt && m.lastPushAt > m.lastSyncAt) {
    return Math.max(0, Math.round((now - m.lastPushAt.getTime()) / 1000));
  }
  return 0;
}

export function toStatusView(m: Mailbox | undefined): MailboxStatusView {
  if (!m) {
    return {
      connected: false,
      email: null,
      status: 'disconnected',
      connected_at: null,
      last_sync_at: null,
      last_push_at: null,
      watch_expires_at: null,
      lag_seconds: null,
      last_error: null,
      throttled_until: null,
      scopes: [],
      send_as: [],
    };
  }
  return {
    connected: m.status !== 'revoked',
    email: m.email,
    status: m.status,
    connected_at: iso(m.connectedAt),
    last_sync_at: iso(m.lastSyncAt),
    last_push_at: iso(m.lastPushAt),
    watch_expires_at: iso(m.watchExpiresAt),
    lag_seconds: lagSeconds(m),
    last_error: m.lastError,
    throttled_until:
      m.throttledUntil && m.throttledUntil.getTime() > Date.now() ? iso(m.throttledUntil) : null,
    scopes: m.scopes,
    // Until Gmail's list is first read, the primary alone.
    send_as: m.sendAs.length > 0 ? m.sendAs : [{ email: m.email, display_name: '', default: true }],
  };
}

/** The status, plus how delivery of this mailbox's events to the CRM is going, how complete the
 * last reconciliation found it, the long task under way (null when idle), and whether the poll
 * trusts its pushes. */
export async function getMailboxStatus(
  db: Db,
  orgId: string,
  userId: string,
): Promise<
  MailboxStatusView & {
    event_delivery: DeliveryState | null;
    completeness: CompletenessView | null;
    progress: ProgressView | null;
    push: PushHealthView | null;
  }
> {
  const mailbox = await findMailboxForUser(db, orgId, userId);
  const [eventDelivery, completeness, progress, push] = mailbox
    ? await Promise.all([
        eventDeliveryState(db, mailbox.id),
        readCompleteness(db, mailbox.id),
        readProgress(db, mailbox.id),
        readPushHealth(db, mailbox.id),
      ])
    : [null, null, null, null];
  const view = toStatusView(mailbox);
  // A sync that succeeds clears last_error; gaps the reconciliation could not repair stay shown
  // until a reconciliation repairs them.
  const unrepaired = unrepairedMessage(completeness?.missing ?? 0);
  return {
    ...view,
    last_error: view.last_error ?? unrepaired,
    event_delivery: eventDelivery,
    completeness,
    progress,
    push,
  };
}
