// A Workspace mailbox that lost its delegation (the admin took the client's authorisation back, or
// the user was suspended for a while) is `revoked`: when a check finds the user active again and a
// token can be minted as them, it works again from its cursor, with a new watch.
import type { Db } from '../db/database.ts';
import { and, eq, sql } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { type GoogleConfig, makeGmail } from '../google/clients.ts';
import { type Delegation, delegatedClient } from '../google/delegated-tokens.ts';
import { callGmail } from '../google/gmail-call.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { enqueueRenewWatch, enqueueSync } from '../queue/enqueue.ts';

/** True once the mailbox works (or already did); throws Google's refusal when it still cannot. */
export async function restoreDelegatedMailbox(
  deps: { db: Db; google: GoogleConfig; delegation: Delegation; pacers: PacerRegistry },
  mailbox: Mailbox,
): Promise<boolean> {
  if (mailbox.status !== 'revoked') return true;
  const auth = delegatedClient(deps.google, deps.delegation, mailbox.email, mailbox.scopes);
  const gmail = makeGmail(deps.google, auth);
  await callGmail(deps.pacers.forMailbox(mailbox.id), 'getProfile', () =>
    gmail.users.getProfile({ userId: 'me' }),
  );
  await deps.db.transaction(async (tx) => {
    // A new connected_at: every process drops the client that held the refused delegation.
    await tx
      .update(mailboxes)
      .set({
        status: 'syncing',
        lastError: null,
        errorCount: 0,
        nextRetryAt: null,
        connectedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(mailboxes.id, mailbox.id), eq(mailboxes.status, 'revoked')));
    await enqueueSync(tx, mailbox.id);
    await enqueueRenewWatch(tx, mailbox.id);
  });
  return true;
}
