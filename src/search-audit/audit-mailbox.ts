// The audit as a job runs it: the sync's context (its Gmail access and pacer, so the audit shares
// the mailbox's quota), the run kept and, when it logged mail search had let go, announced to the
// CRM as `mailbox.search_missed`; a revoked grant handled as the sync handles it. When a widening
// still owes let-go mail a look, the audit comes back for it a minute later (auditOwedAgainMs).
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import { enqueueAudit } from '../queue/enqueue.ts';
import { openSyncContext, type SyncDeps } from '../sync/sync-context.ts';
import { saveAudit } from './audit-store.ts';
import { type AuditOptions, type AuditResult, auditLetGo } from './search-audit.ts';

/** Undefined when there was nothing to audit (the mailbox is gone, revoked, disconnected or out of
 * reach). */
export async function runAudit(
  deps: SyncDeps,
  mailboxId: string,
  options: AuditOptions,
): Promise<AuditResult | undefined> {
  const mailbox = await deps.shared.readMailbox(mailboxId);
  // A mailbox whose account is out of reach (needs_admin) is audited once it is back.
  if (!mailbox || ['revoked', 'disconnected', 'needs_admin'].includes(mailbox.status)) return;
  const log = deps.log.child({ mailbox_id: mailbox.id });
  try {
    const ctx = await openSyncContext(deps, mailbox, log);
    const result = await auditLetGo(ctx, options);
    await saveAudit(deps.db, mailbox, result, announcement(mailbox.id, result));
    const { logged, entities, domains, lists, ...counts } = result;
    log.info({ ...counts, logged: logged.length }, 'let-go mail audited');
    if (result.owed > 0) {
      await enqueueAudit(deps.db, mailbox.id, new Date(Date.now() + deps.timings.auditOwedAgainMs));
    }
    return result;
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) return;
    throw error;
  }
}

/**
 * `mailbox.search_missed`: what the CRM needs to act without a person's address it does not hold —
 * the counts (and the sample's miss rate), the Gmail ids now logged (their `activity.logged` events
 * go out beside it), the records they concern, and the shapes search missed (by kind, with the
 * domains and mailing lists, never a sender's address).
 */
function announcement(mailboxId: string, r: AuditResult): Record<string, unknown> | null {
  if (r.logged.length === 0) return null;
  return {
    mailbox_id: mailboxId,
    checked_at: r.checkedAt.toISOString(),
    sampled: r.sampled,
    missed: r.missed,
    miss_rate: r.sampled > 0 ? Math.round((r.missed / r.sampled) * 10_000) / 10_000 : null,
    widened: r.widened,
    widened_missed: r.widenedMissed,
    same_shape: r.sameShape,
    followed: r.followed,
    gmail_message_ids: r.logged,
    shapes: r.shapes,
    domains: r.domains,
    lists: r.lists,
    entities: r.entities,
  };
}
