// Which mailbox a send goes out through: the caller's own, or (`"mailbox"`) one of the org's shared
// with them; and whether it can send at all (not revoked, granted gmail.send).
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { findSharedMailbox } from '../mailbox/mailbox-members.ts';
import { requireMailbox } from '../mailbox/mailbox-settings.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { mailboxRevoked } from '../mailbox/revocation.ts';

const SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';

export async function sendingMailbox(
  deps: { db: Db; publicUrl: string },
  caller: { orgId: string; userId: string },
  address: string | undefined,
): Promise<Mailbox> {
  const mailbox = address
    ? await findSharedMailbox(deps.db, caller, address)
    : await requireMailbox(deps.db, caller.orgId, caller.userId);
  const unusable = usableForSending(mailbox, deps.publicUrl);
  if (unusable) throw unusable;
  return mailbox;
}

/** Why this mailbox cannot send (revoked, or granted without gmail.send), or null when it can. */
export function usableForSending(mailbox: Mailbox, publicUrl: string): AppError | null {
  if (mailbox.status === 'revoked') return mailboxRevoked();
  if (!mailbox.scopes.includes(SEND_SCOPE)) {
    return new AppError('scope_missing', 'this mailbox was connected without permission to send', {
      status: 403,
      details: { reconnect_url: `${publicUrl}/integrations/gmail/connect` },
    });
  }
  return null;
}
