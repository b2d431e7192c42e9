// Renewing one mailbox's watch. Gmail allows one watch per user and client: a conflicting one
// ("Only one user push notification client allowed per developer") is stopped and re-created.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import type { GoogleConfig } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import type { MailboxAuth } from './mailbox-auth.ts';
import { getMailbox, markMailboxRevoked } from './mailbox-store.ts';

export interface RenewDeps {
  db: Db;
  log: Logger;
  google: GoogleConfig;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
}

export async function renewWatch(
  deps: RenewDeps,
  mailboxId: string,
): Promise<'renewed' | 'skipped' | 'revoked'> {
  const mailbox = await getMailbox(deps.db, mailboxId);
  if (!mailbox || mailbox.status === 'revoked' || mailbox.status === 'disconnected')
    return 'skipped';
  const pacer = deps.pacers.forMailbox(mailbox.id);
  try {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    const watch = () =>
      callGmail(pacer, 'watch', () =>
        gmail.users.watch({ userId: 'me', requestBody: { topicName: deps.google.pubsubTopic } }),
      );
    let result: Awaited<ReturnType<typeof watch>>;
    try {
      result = await watch();
    } catch (error) {
      if (!/only one user push notification client/i.test(String((error as Error).message)))
        throw error;
      await callGmail(pacer, 'stop', () => gmail.users.stop({ userId: 'me' }));
      result = await watch();
    }
    await deps.db
      .update(mailboxes)
      .set({
        watchExpiresAt: new Date(Number(result.data.expiration)),
        watchRenewedAt: sql`now()`,
        lastError: sql`case when ${mailboxes.lastError} like 'watch%' then null else ${mailboxes.lastError} end`,
      })
      .where(sql`${mailboxes.id} = ${mailbox.id}`);
    return 'renewed';
  } catch (error) {
    const failure = classifyGoogleError(error);
    if (failure.kind === 'revoked') {
      deps.mailboxAuth.forget(mailbox.id);
      await markMailboxRevoked(deps.db, mailbox, `Google refused the grant: ${failure.reason}`);
      return 'revoked';
    }
    // The poll keeps syncing this mailbox meanwhile; the error says push is not working.
    await deps.db
      .update(mailboxes)
      .set({ lastError: `watch renewal failed: ${failure.reason}` })
      .where(sql`${mailboxes.id} = ${mailbox.id}`);
    deps.log.warn({ mailbox_id: mailbox.id, reason: failure.reason }, 'watch renewal failed');
    throw error;
  }
}
