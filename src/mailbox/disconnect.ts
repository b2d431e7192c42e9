// Disconnecting: stop the watch, revoke the grant at Google, then crypto-shred the tokens (sealed
// tokens and wrapped data key deleted). Activities stay. When Google cannot be reached the mailbox
// is disconnected at once and the revocation is owed: `pending_revoke` keeps the sealed tokens
// only until a retry succeeds.

import type { Db } from '../db/database.ts';
import { type GoogleConfig, makeOAuthClient } from '../google/clients.ts';
import { classifyGoogleError, isGoogleFailure } from '../google/gmail-errors.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import { enqueueFinishDisconnect } from '../queue/enqueue.ts';
import type { MailboxAccess, MailboxAuth } from './mailbox-auth.ts';
import { findMailboxForUser, getMailbox, type Mailbox, shredTokens } from './mailbox-store.ts';
import { markDisconnected } from './mailbox-transitions.ts';
import { stopWatch } from './watch.ts';

export interface DisconnectDeps {
  db: Db;
  pacers: PacerRegistry;
  mailboxAuth: MailboxAuth;
  google: GoogleConfig;
  log: Logger;
  /** What else the grant opened that must end first (the calendar's channel: src/calendar/). */
  beforeRevoke?: (mailbox: Mailbox, access: MailboxAccess) => Promise<void>;
}

export async function disconnectMailbox(
  deps: DisconnectDeps,
  orgId: string,
  userId: string,
): Promise<{ disconnected: boolean; email: string | null; revoked_at_google: boolean }> {
  const mailbox = await findMailboxForUser(deps.db, orgId, userId);
  if (!mailbox) return { disconnected: true, email: null, revoked_at_google: true };
  await markDisconnected(deps.db, mailbox, userId);
  const revoked = await releaseGrant(deps, mailbox);
  if (!revoked) {
    await enqueueFinishDisconnect(deps.db, mailbox.id, new Date(Date.now() + 60_000));
  }
  return { disconnected: true, email: mailbox.email, revoked_at_google: revoked };
}

/** The retry of an owed revocation (a job): throws while Google stays unreachable, so it is retried. */
export async function finishDisconnect(deps: DisconnectDeps, mailboxId: string): Promise<void> {
  const mailbox = await getMailbox(deps.db, mailboxId);
  if (!mailbox?.pendingRevoke || mailbox.status !== 'disconnected') return;
  if (!(await releaseGrant(deps, mailbox)))
    throw new Error('Google still unreachable; revocation owed');
}

/**
 * Stops the watch and revokes the grant; then shreds the tokens. False only when Google could not
 * be reached (the revocation is owed and retried). Tokens that no longer open (a vault failure) can
 * never be revoked from here: that is logged as an error, not retried, and they are shredded.
 */
async function releaseGrant(deps: DisconnectDeps, mailbox: Mailbox): Promise<boolean> {
  try {
    const access = await deps.mailboxAuth.accessFor(mailbox).catch((error: unknown) => {
      if (isGoogleFailure(error)) throw error;
      throw new TokensUnusable(error);
    });
    await stopWatch(deps.pacers.forMailbox(mailbox.id), access.gmail).catch((err: unknown) =>
      deps.log.info({ err }, 'watch stop failed'),
    );
    await deps
      .beforeRevoke?.(mailbox, access)
      .catch((err: unknown) => deps.log.info({ err }, 'release before revocation failed'));
    // A delegated mailbox has no grant of its own: the Workspace admin's authorisation stays.
    if (access.tokens) await makeOAuthClient(deps.google).revokeToken(access.tokens.refreshToken);
  } catch (error) {
    if (error instanceof TokensUnusable) {
      deps.log.error(
        { err: error.cause, mailbox_id: mailbox.id },
        'tokens do not open: grant not revoked',
      );
    } else if (!grantAlreadyGone(error)) {
      deps.log.warn(
        { err: error, mailbox_id: mailbox.id },
        'could not release the grant at Google',
      );
      deps.mailboxAuth.forget(mailbox.id);
      return false;
    }
  }
  deps.mailboxAuth.forget(mailbox.id);
  await shredTokens(deps.db, mailbox.id);
  return true;
}

class TokensUnusable extends Error {
  constructor(cause: unknown) {
    super('the mailbox tokens do not open', { cause });
  }
}

/**
 * A grant Google no longer knows (already revoked or expired) needs no revocation: /revoke answers
 * 400 invalid_token, a refresh invalid_grant. Any other failure (network, 5xx) means try again.
 */
function grantAlreadyGone(error: unknown): boolean {
  const failure = classifyGoogleError(error);
  return failure.kind === 'revoked' || (failure.kind === 'fatal' && failure.status === 400);
}
