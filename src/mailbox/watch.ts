// The Gmail watch: users.watch makes Gmail publish a notification to our Pub/Sub topic on every
// mailbox change, for 7 days (https://developers.google.com/gmail/api/guides/push); the poll renews it.

import type { Db } from '../db/database.ts';
import { eq, sql } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import type { Gmail, GoogleConfig } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import type { Pacer, PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';

export interface WatchState {
  historyId: number;
  expiresAt: Date;
}

/** Registers (or renews) the watch; on failure records the error and returns undefined (the poll retries). */
export async function startWatch(
  deps: { db: Db; google: GoogleConfig; log: Logger; pacers: PacerRegistry },
  mailboxId: string,
  gmail: Gmail,
): Promise<WatchState | undefined> {
  try {
    const { data } = await callGmail(deps.pacers.forMailbox(mailboxId), 'watch', () =>
      gmail.users.watch({ userId: 'me', requestBody: { topicName: deps.google.pubsubTopic } }),
    );
    const state = {
      historyId: Number(data.historyId),
      expiresAt: new Date(Number(data.expiration)),
    };
    await deps.db
      .update(mailboxes)
      .set({ watchExpiresAt: state.expiresAt, watchRenewedAt: sql`now()` })
      .where(eq(mailboxes.id, mailboxId));
    return state;
  } catch (err) {
    deps.log.warn({ err, mailbox_id: mailboxId }, 'watch failed');
    await deps.db
      .update(mailboxes)
      .set({ lastError: `watch failed: ${errorMessage(err)}`, updatedAt: sql`now()` })
      .where(eq(mailboxes.id, mailboxId));
    return undefined;
  }
}

export async function stopWatch(pacer: Pacer, gmail: Gmail): Promise<void> {
  await callGmail(pacer, 'stop', () => gmail.users.stop({ userId: 'me' }));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : 'unknown error';
}
