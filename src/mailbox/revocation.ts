// A grant Google no longer honours (revoked by the user, expired, password changed, the account
// deleted), or an account out of reach for now (Gmail disabled for it, its domain's policy against
// Gmail apps, the account suspended): the mailbox stops its work and the CRM is told, once,
// whichever call found out (a sync, a watch renewal, a send, a reply's lookup). The one place that
// turns those Google answers into the mailbox's state: `revoked` (connect again) or `needs_admin`
// (probed hourly by the poll, active again by itself: docs/gmail-behaviour.md).
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { MailboxAuth } from './mailbox-auth.ts';
import type { Mailbox } from './mailbox-store.ts';
import { markMailboxRevoked, markNeedsAdmin } from './mailbox-transitions.ts';

export interface RevocationDeps {
  db: Db;
  mailboxAuth: Pick<MailboxAuth, 'forget'>;
}

/** What Google's answer says of the account, when it stops the mailbox's work. */
export type LostAccess = 'revoked' | 'needs_admin';

const ACCOUNT_REASONS = {
  mail_disabled: 'Gmail is not enabled for this account (its Workspace admin can turn it on)',
  domain_policy: "the domain's administrators have disabled Gmail for third-party apps",
  suspended: 'the Google account is suspended',
} as const;

/**
 * When `error` says the grant is gone or the account out of reach, puts the mailbox in that state
 * and says which; false for any other error.
 */
export async function handleRevokedGrant(
  deps: RevocationDeps,
  mailbox: Mailbox,
  error: unknown,
): Promise<LostAccess | false> {
  const failure = classifyGoogleError(error);
  if (failure.kind === 'account_unavailable') {
    deps.mailboxAuth.forget(mailbox.id);
    await markNeedsAdmin(deps.db, mailbox, ACCOUNT_REASONS[failure.reason]);
    return 'needs_admin';
  }
  if (failure.kind !== 'revoked') return false;
  deps.mailboxAuth.forget(mailbox.id);
  await markMailboxRevoked(deps.db, mailbox, `Google refused the grant: ${failure.reason}`);
  return 'revoked';
}

/** What the CRM is answered when it asks for work on a revoked mailbox. */
export const mailboxRevoked = () =>
  new AppError('mailbox_revoked', 'the Gmail grant was revoked; connect again');

/** What the CRM is answered when it asks Gmail for a mailbox whose account is out of reach. */
export const mailboxNeedsAdmin = () =>
  new AppError(
    'mailbox_needs_admin',
    "Gmail is not reachable for this mailbox (its account's admin must act); it resumes by itself",
  );
