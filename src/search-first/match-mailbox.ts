// The search for a mailbox's pending mail as a job runs it: the sync's context (its Gmail access and
// pacer, so it shares the mailbox's quota), a revoked grant handled as the sync handles it.
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import { openSyncContext, type SearchFirstOptions, type SyncDeps } from '../sync/sync-context.ts';
import { type MatchResult, matchPending } from './match-pending.ts';
import { forgetMailboxPending } from './pending-store.ts';

/** Undefined when there was nothing to do (the mailbox is gone, revoked or disconnected). */
export async function runMatch(
  deps: SyncDeps,
  mailboxId: string,
  options: SearchFirstOptions,
): Promise<MatchResult | undefined> {
  const mailbox = await deps.shared.readMailbox(mailboxId);
  if (!mailbox || mailbox.status === 'revoked' || mailbox.status === 'disconnected') {
    // No one will fetch them: a reconnect starts from its own backfill.
    await forgetMailboxPending(deps.db, mailboxId);
    return;
  }
  const log = deps.log.child({ mailbox_id: mailbox.id });
  try {
    const ctx = await openSyncContext(deps, mailbox, log);
    const result = await matchPending(ctx, options);
    const { failed, ...counts } = result;
    log.info({ ...counts, failed: failed.length }, 'pending mail matched');
    return result;
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) return;
    throw error;
  }
}
