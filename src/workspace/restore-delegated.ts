// A Workspace mailbox that lost its delegation (the admin took the client's authorisation back, or
// the user was suspended for a while) is `revoked`: when a check finds the user active again and a
// token can be minted as them, it works again from its cursor, with a new watch.
import type { Db } from '../db/database.ts';
import { type GoogleConfig, makeGmail } from '../google/clients.ts';
import { type Delegation, delegatedClient } from '../google/delegated-tokens.ts';
import { callGmail } from '../google/gmail-call.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import { canTransition } from '../mailbox/mailbox-states.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { restoreDelegation } from '../mailbox/mailbox-transitions.ts';
import { enqueueRenewWatch, enqueueSync } from '../queue/enqueue.ts';

/** True once the mailbox works (or already did); throws Google's refusal when it still cannot. */
export async function restoreDelegatedMailbox(
  deps: { db: Db; google: GoogleConfig; delegation: Delegation; pacers: PacerRegistry },
  mailbox: Mailbox,
): Promise<boolean> {
  if (!canTransition('delegation_restored', mailbox.status)) return true;
  const auth = delegatedClient(deps.google, deps.delegation, mailbox.email, mailbox.scopes);
  const gmail = makeGmail(deps.google, auth);
  await callGmail(deps.pacers.forMailbox(mailbox.id), 'getProfile', () =>
    gmail.users.getProfile({ userId: 'me' }),
  );
  await deps.db.transaction(async (tx) => {
    if (!(await restoreDelegation(tx, mailbox.id))) return;
    await enqueueSync(tx, mailbox.id);
    await enqueueRenewWatch(tx, mailbox.id);
  });
  return true;
}
