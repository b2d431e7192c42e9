// Disconnecting: stop the watch, revoke the grant at Google, then crypto-shred the tokens (sealed
// tokens and wrapped data key deleted). Activities stay. When Google cannot be reached the mailbox
// is disconnected at once and the revocation is owed: `pending_revoke` keeps the sealed tokens
// only until a retry succeeds.

import type { OAuth2Client } from 'google-auth-library';
import type { Db } from '../db/database.ts';
import { and, eq, sql } from '../db/orm.ts';
import { events, mailboxes } from '../db/schema.ts';
import { type GoogleConfig, makeOAuthClient } from '../google/clients.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import { enqueueFinishDisconnect } from '../queue/enqueue.ts';
import type { MailboxAuth } from './mailbox-auth.ts';
import { findMailboxForUser, getMailbox, type Mailbox } from './mailbox-store.ts';
import { stopWatch } from './watch.ts';

export interface DisconnectDeps {
  db: Db;
  pacers: PacerRegistry;
  mailboxAuth: MailboxAuth;
  google: GoogleConfig;
  log: Logger;
}

export async function disconnectMailbox(
  deps: DisconnectDeps,
  orgId: string,
  userId: string,
): Promise<{ disconnected: boolean; email: string | null; revoked_at_google: boolean }> {
  const mailbox = await findMailboxForUser(deps.db, orgId, userId);
  if (!mailbox) return { disconnected: true, email: null, revoked_at_google: true };
  await deps.db.transaction(async (tx) => {
    await tx
      .update(mailboxes)
      .set({
        status: 'disconnected',
        disconnectedAt: sql`now()`,
        pendingRevoke: true,
        updatedAt: sql`now()`,
      })
      .where(eq(mailboxes.id, mailbox.id));
    await tx.insert(events).values({
      orgId,
      mailboxId: mailbox.id,
      type: 'mailbox.disconnected',
      payload: { mailbox_id: mailbox.id, email: mailbox.email, user_id: userId },
    });
  });
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

/** Stops the watch and revokes the grant; on success shreds the tokens. False when Google failed. */
async function releaseGrant(deps: DisconnectDeps, mailbox: Mailbox): Promise<boolean> {
  let revoked = false;
  try {
    const access = await deps.mailboxAuth.accessFor(mailbox);
    await stopWatch(deps.pacers.forMailbox(mailbox.id), access.gmail).catch((err: unknown) =>
      deps.log.info({ err }, 'watch stop failed'),
    );
    revoked = await revoke(makeOAuthClient(deps.google), access.tokens.refreshToken);
  } catch (err) {
    deps.log.warn({ err, mailbox_id: mailbox.id }, 'could not release the grant at Google');
  }
  deps.mailboxAuth.forget(mailbox.id);
  if (!revoked) return false;
  await deps.db
    .update(mailboxes)
    .set({
      sealedTokens: null,
      wrappedKey: null,
      keyId: null,
      pendingRevoke: false,
      updatedAt: sql`now()`,
    })
    .where(and(eq(mailboxes.id, mailbox.id), eq(mailboxes.status, 'disconnected')));
  return true;
}

/** A token Google no longer knows (already revoked) counts as revoked. */
async function revoke(oauth: OAuth2Client, token: string): Promise<boolean> {
  try {
    await oauth.revokeToken(token);
    return true;
  } catch (err) {
    const status = (err as { status?: number; response?: { status?: number } }).response?.status;
    return status === 400;
  }
}
