// A grant Google no longer honours (revoked by the user, expired, password changed): the mailbox
// stops its work and the CRM is told, once, whichever call found out (a sync, a watch renewal, a
// send, a reply's lookup). The one place that turns Google's `invalid_grant` into that state.
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { MailboxAuth } from './mailbox-auth.ts';
import { type Mailbox, markMailboxRevoked } from './mailbox-store.ts';

export interface RevocationDeps {
  db: Db;
  mailboxAuth: Pick<MailboxAuth, 'forget'>;
}

/** When `error` says the grant is gone, marks the mailbox revoked and returns true. */
export async function handleRevokedGrant(
  deps: RevocationDeps,
  mailbox: Mailbox,
  error: unknown,
): Promise<boolean> {
  const failure = classifyGoogleError(error);
  if (failure.kind !== 'revoked') return false;
  deps.mailboxAuth.forget(mailbox.id);
  await markMailboxRevoked(deps.db, mailbox, `Google refused the grant: ${failure.reason}`);
  return true;
}

/** What the CRM is answered when it asks for work on a revoked mailbox. */
export const mailboxRevoked = () =>
  new AppError('mailbox_revoked', 'the Gmail grant was revoked; connect again');
