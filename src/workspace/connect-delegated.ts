// Connecting one Workspace user's mailbox through domain-wide delegation: no consent screen, no
// tokens stored. Gmail's profile is read as the user first (the delegation works, and the cursor's
// start); then the mailbox is recorded as the org's, and started as any new mailbox is (watch,
// cursor, initial full sync: mailbox/first-sync.ts). A mailbox the org had for this address before
// keeps its row, cursor and activities.

import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/database-errors.ts';
import { and, eq, sql } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { EVENT } from '../events/event-types.ts';
import { recordEvent } from '../events/record-events.ts';
import { type GoogleConfig, makeGmail } from '../google/clients.ts';
import { type Delegation, delegatedClient } from '../google/delegated-tokens.ts';
import { callGmail } from '../google/gmail-call.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import { askedScopes } from '../mailbox/connect.ts';
import { CALENDAR_SCOPE } from '../mailbox/consent-checks.ts';
import { startFirstSync } from '../mailbox/first-sync.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { storeConnection } from '../mailbox/mailbox-transitions.ts';

export interface DelegatedConnectDeps {
  db: Db;
  google: GoogleConfig;
  delegation: Delegation;
  pacers: PacerRegistry;
  log: Logger;
}

/** The owner id of the org's Workspace mailboxes: no CRM user's (docs/workspace.md). */
export const orgOwnerId = (domain: string) => `org:${domain}`;

/** Connected, or false when another connection took the address meanwhile. */
export async function connectDelegatedMailbox(
  deps: DelegatedConnectDeps,
  orgId: string,
  domain: string,
  email: string,
): Promise<boolean> {
  const previous = await findPreviousRow(deps.db, orgId, email);
  const id = previous?.id ?? randomUUID();
  // What a user's consent asks (the calendar too, with SYNC_CALENDAR on): all authorised by the admin.
  const scopes = askedScopes(deps.google);
  const auth = delegatedClient(deps.google, deps.delegation, email, scopes);
  const gmail = makeGmail(deps.google, auth);
  const profile = await callGmail(deps.pacers.forMailbox(id), 'getProfile', () =>
    gmail.users.getProfile({ userId: 'me' }),
  );
  const stored = await storeDelegatedMailbox(
    deps.db,
    { id, orgId, domain, email, scopes },
    previous,
  );
  if (!stored) return false;
  await startFirstSync(deps, id, gmail, profile.data.historyId, {
    calendar: deps.google.syncCalendar && scopes.includes(CALENDAR_SCOPE),
  });
  deps.log.info({ mailbox_id: id }, 'workspace mailbox connected');
  return true;
}

async function findPreviousRow(db: Db, orgId: string, email: string) {
  const [row] = await db
    .select({ id: mailboxes.id, status: mailboxes.status })
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.orgId, orgId),
        eq(mailboxes.email, email),
        eq(mailboxes.connectedVia, 'workspace'),
        eq(mailboxes.status, 'disconnected'),
      ),
    )
    .orderBy(sql`${mailboxes.disconnectedAt} desc nulls last`)
    .limit(1);
  return row;
}

async function storeDelegatedMailbox(
  db: Db,
  m: { id: string; orgId: string; domain: string; email: string; scopes: string[] },
  previous: Pick<Mailbox, 'status'> | undefined,
): Promise<boolean> {
  const values = {
    connectedVia: 'workspace' as const,
    userId: orgOwnerId(m.domain),
    userName: null,
    scopes: m.scopes,
    sealedTokens: null,
    wrappedKey: null,
    keyId: null,
    lastError: null,
    errorCount: 0,
    pendingRevoke: false,
    connectedAt: new Date(),
    disconnectedAt: null,
    updatedAt: new Date(),
  };
  try {
    return await db.transaction(async (tx) => {
      // The row read before may have left `disconnected` meanwhile: nothing to store then.
      const row = { id: m.id, orgId: m.orgId, email: m.email };
      if (!(await storeConnection(tx, 'delegated', row, previous, values))) return false;
      await recordEvent(tx, {
        orgId: m.orgId,
        mailboxId: m.id,
        type: EVENT.mailboxConnected,
        payload: {
          mailbox_id: m.id,
          email: m.email,
          user_id: values.userId,
          connected_via: 'workspace',
        },
      });
      return true;
    });
  } catch (error) {
    // The one live connection an address may have was made meanwhile (by its user, say).
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}
