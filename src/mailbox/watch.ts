// The Gmail watch: users.watch makes Gmail publish a notification to our Pub/Sub topic on every
// mailbox change, for 7 days (https://developers.google.com/gmail/api/guides/push); the poll renews
// it daily, as Google asks. Gmail allows one watch per user and client: a conflicting one is stopped
// and made again.
import type { Db } from '../db/database.ts';
import type { Gmail, GoogleConfig } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError, isWatchConflict } from '../google/gmail-errors.ts';
import type { Pacer, PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import type { MailboxAuth } from './mailbox-auth.ts';
import { getMailbox, recordWatch, recordWatchFailure } from './mailbox-store.ts';
import { handleRevokedGrant } from './revocation.ts';
import { enqueueSendAsRefresh } from './send-as.ts';

export interface WatchDeps {
  db: Db;
  google: GoogleConfig;
  log: Logger;
  pacers: PacerRegistry;
}

export interface WatchState {
  historyId: number;
  expiresAt: Date;
}

/** Registers (or renews) the watch and records its expiry. */
async function watch(deps: WatchDeps, mailboxId: string, gmail: Gmail): Promise<WatchState> {
  const pacer = deps.pacers.forMailbox(mailboxId);
  const call = () =>
    callGmail(pacer, 'watch', () =>
      gmail.users.watch({ userId: 'me', requestBody: { topicName: deps.google.pubsubTopic } }),
    );
  let answer: Awaited<ReturnType<typeof call>>;
  try {
    answer = await call();
  } catch (error) {
    if (!isWatchConflict(error)) throw error;
    await stopWatch(pacer, gmail);
    answer = await call();
  }
  const state = {
    historyId: Number(answer.data.historyId),
    expiresAt: new Date(Number(answer.data.expiration)),
  };
  await recordWatch(deps.db, mailboxId, state.expiresAt);
  return state;
}

/** At connect: on failure the error is recorded and undefined returned (the poll retries). */
export async function startWatch(
  deps: WatchDeps,
  mailboxId: string,
  gmail: Gmail,
): Promise<WatchState | undefined> {
  try {
    return await watch(deps, mailboxId, gmail);
  } catch (err) {
    deps.log.warn({ err, mailbox_id: mailboxId }, 'watch failed');
    await recordWatchFailure(deps.db, mailboxId, classifyGoogleError(err).reason);
    return undefined;
  }
}

/** The poll's daily renewal of one mailbox's watch (a job: a failure is retried). */
export async function renewWatch(
  deps: WatchDeps & { mailboxAuth: MailboxAuth },
  mailboxId: string,
): Promise<'renewed' | 'skipped' | 'revoked'> {
  const mailbox = await getMailbox(deps.db, mailboxId);
  if (!mailbox || mailbox.status === 'revoked' || mailbox.status === 'disconnected')
    return 'skipped';
  try {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    await watch(deps, mailbox.id, gmail);
    // The aliases are read again with each renewal: the user may have added one in Gmail.
    await enqueueSendAsRefresh(deps.db, mailbox.id);
    return 'renewed';
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) return 'revoked';
    const { reason } = classifyGoogleError(error);
    // The poll keeps syncing this mailbox meanwhile; the error says push is not working.
    await recordWatchFailure(deps.db, mailbox.id, reason);
    deps.log.warn({ mailbox_id: mailbox.id, reason }, 'watch renewal failed');
    throw error;
  }
}

export async function stopWatch(pacer: Pacer, gmail: Gmail): Promise<void> {
  await callGmail(pacer, 'stop', () => gmail.users.stop({ userId: 'me' }));
}
