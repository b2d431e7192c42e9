// The hook the sync's store path calls with each batch of fetched mail: delivery reports are
// recognised and recorded (record-bounces.ts) and never logged as activities; a recipient's reply
// to mail the CRM sent gets its event on its activity (reply-events.ts).
import type { Db } from '../db/database.ts';
import type { ParsedMail } from '../mail/parse-message.ts';
import { type BounceReport, readBounce } from './bounce-report.ts';
import { recordBounces } from './record-bounces.ts';
import { addReplyEvents } from './reply-events.ts';

export { addReplyEvents };

/** Records the reports among `mails`; returns their Gmail ids (the caller skips them). */
export async function noteDeliveryReports(
  ctx: { db: Pick<Db, 'execute'>; mailbox: { id: string; orgId: string } },
  mails: ParsedMail[],
): Promise<Set<string>> {
  const reports: BounceReport[] = [];
  for (const mail of mails) {
    const report = readBounce(mail);
    if (report) reports.push(report);
  }
  if (reports.length > 0) await recordBounces(ctx.db, ctx.mailbox, reports);
  return new Set(reports.map((r) => r.gmailId));
}
