// One look at some let-go mails: their headers read (read-headers.ts), each judged by the sync's
// own rules (sync/judge-mails.ts), the ones the sync logs fetched in full and logged through
// `logMessages` — the sync's write path, which reads and judges them once more with the body, so
// only what the sync itself logs is logged — and the rows marked: read and rightly let go, or
// forgotten once logged (or deleted from Gmail). A mail that could not be read stays for later.
import { noteCorrespondents } from '../crm/correspondents.ts';
import type { EntityLink } from '../crm/link-entities.ts';
import { headerOf } from '../mail/mime-part.ts';
import { type ParsedMail, parseGmailMessage } from '../mail/parse-message.ts';
import { linkMails, screenMails } from '../sync/judge-mails.ts';
import { logMessages, STORE_SLICE } from '../sync/log-messages.ts';
import type { SyncContext } from '../sync/sync-context.ts';
import { forgetLetGo, loggedAmong, markChecked } from './audit-store.ts';
import { GROUP_HEADERS, type MailShape, shapeOf } from './mail-shape.ts';
import { readHeaders } from './read-headers.ts';

export interface JudgedLetGo {
  /** Read and judged (the mails that could not be read are not counted). */
  judged: number;
  /** Mails search let go that the sync's rules log: logged now. */
  missed: { id: string; threadId: string; links: EntityLink[]; shape: MailShape }[];
}

export async function judgeLetGo(ctx: SyncContext, ids: string[]): Promise<JudgedLetGo> {
  const mailboxId = ctx.mailbox.id;
  if (ids.length === 0) return { judged: 0, missed: [] };
  const read = await readHeaders(ctx, ids);
  const mails: ParsedMail[] = [];
  const fromGroup = new Set<string>();
  const unreadable: string[] = [];
  for (const message of read.messages) {
    const id = message.id ?? '';
    try {
      mails.push(parseGmailMessage(message));
    } catch {
      // Headers the parser cannot read: the sync would dead-letter this mail, never log it.
      unreadable.push(id);
      continue;
    }
    if (GROUP_HEADERS.some((h) => headerOf(message.payload ?? undefined, h) !== null)) {
      fromGroup.add(id);
    }
  }
  // No delivery reports are known from headers alone; the full fetch below tells them apart.
  const screened = await screenMails(ctx, mails, new Set());
  const wanted = (await linkMails(ctx, screened)).filter((j) => j.links.length > 0);
  // The headers read teach the mailbox's correspondents (crm/mailbox-terms.ts); the ones logged
  // below are taught by the sync's write path.
  const logs = new Set(wanted.map((j) => j.mail.gmailId));
  const rules = await ctx.orgRules.forOrg(ctx.mailbox.orgId);
  await noteCorrespondents(
    ctx.db,
    mailboxId,
    mails.filter((m) => !logs.has(m.gmailId)).map((mail) => ({ mail, logged: false })),
    screened.owner,
    (address) => rules.anyErased([address]),
  );

  const retry = new Set(read.failed);
  for (let i = 0; i < wanted.length; i += STORE_SLICE) {
    const slice = wanted.slice(i, i + STORE_SLICE).map((j) => j.mail.gmailId);
    for (const id of (await logMessages(ctx, slice, null)).pending) retry.add(id);
  }
  const logged = await loggedAmong(
    ctx.db,
    mailboxId,
    wanted.map((j) => j.mail.gmailId),
  );
  const missed = wanted
    .filter((j) => logged.has(j.mail.gmailId))
    .map((j) => ({
      id: j.mail.gmailId,
      threadId: j.threadId,
      links: j.links,
      shape: shapeOf(j.mail, j.links, screened.owner, fromGroup.has(j.mail.gmailId)),
    }));
  await forgetLetGo(ctx.db, mailboxId, [...logged, ...read.gone]);
  const judged = [...mails.map((m) => m.gmailId), ...unreadable];
  await markChecked(
    ctx.db,
    mailboxId,
    judged.filter((id) => !logged.has(id) && !retry.has(id)),
  );
  return { judged: judged.length, missed };
}
