// Gmail's side of push (https://developers.google.com/gmail/api/guides/push): a watch publishes
// {emailAddress, historyId} on each change its label filter lets through, at most
// `push.per_user_per_sec` notifications a second per user (Google documents one a second and drops
// the rest), and for a little while after `stop`.
import type { SimContext } from './context.ts';
import type { HistoryRecord, SimMailbox, Watch } from './gmail-store.ts';

export function makeWatchNotifier(ctx: SimContext): (mb: SimMailbox, r: HistoryRecord) => void {
  const recent = new Map<string, number[]>();

  /** Whether this user's notification may go out now (a sliding one-second window). */
  const withinRate = (email: string, now: number): boolean => {
    const limit = ctx.faults.push?.per_user_per_sec ?? 1;
    if (limit <= 0) return true;
    const sent = (recent.get(email) ?? []).filter((t) => t > now - 1_000);
    recent.set(email, sent);
    if (sent.length >= limit) return false;
    sent.push(now);
    return true;
  };

  return (mailbox, record) => {
    const now = Date.now();
    const trailing = mailbox.stoppedWatch;
    const watch = mailbox.watch ?? (trailing && trailing.until > now ? trailing.watch : undefined);
    if (!watch || watch.expiration <= now || !passesFilter(watch, record)) return;
    if (!withinRate(mailbox.email, now)) {
      ctx.stats.pushes.dropped += 1;
      return;
    }
    ctx.publish(watch.topicName, { emailAddress: mailbox.email, historyId: String(record.id) });
  };
}

function passesFilter(watch: Watch, record: HistoryRecord): boolean {
  if (watch.labelIds.length === 0) return true;
  const touched = new Set([...record.labelIds, ...record.removed]);
  const hit = watch.labelIds.some((l) => touched.has(l));
  return watch.filter === 'include' ? hit : !hit;
}
