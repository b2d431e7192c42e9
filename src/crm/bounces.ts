// Mail Gmail accepted and then could not deliver comes back as a delivery-status notification
// (RFC 3464: multipart/report; report-type=delivery-status) from Gmail's mailer daemon, answering
// the original's Message-ID in In-Reply-To and References. Mail sent past the daily sending limit
// bounces this way (https://support.google.com/a/answer/166852). Such a notice marks the activity
// of the mail it names `bounced` and tells the CRM (`activity.bounced`); the notice itself concerns
// no CRM entity and is never logged.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { ParsedMail } from '../mail/parse-message.ts';

/** The addresses Gmail's delivery-status notifications come from (consumer Gmail and Workspace). */
const MAILER_DAEMONS = new Set(['mailer-daemon@googlemail.com', 'mailer-daemon@google.com']);

/** The Message-IDs a mail reports as undelivered, or none when it is not Gmail's bounce. */
export function bouncedMessageIds(mail: ParsedMail): string[] {
  const from = mail.from?.email.toLowerCase();
  if (!from || !MAILER_DAEMONS.has(from)) return [];
  return [...new Set([mail.inReplyTo, ...mail.references].filter((id) => id !== null))];
}

/**
 * Marks the mailbox's sent activities these mails report as bounced, and announces each once (a
 * replayed notice finds them already bounced and changes nothing). Returns how many were marked.
 */
export async function markBounces(
  ctx: { db: Pick<Db, 'execute'>; mailbox: { id: string } },
  mails: ParsedMail[],
): Promise<number> {
  const ids = [...new Set(mails.flatMap(bouncedMessageIds))];
  if (ids.length === 0) return 0;
  const list = `{${ids.map((id) => `"${id.replace(/["\\]/g, '')}"`).join(',')}}`;
  const { rows } = await ctx.db.execute<{ id: string }>(sql`
    with bounced as (
      update activities set status = 'bounced'
       where mailbox_id = ${ctx.mailbox.id} and email_direction = 'sent' and status <> 'bounced'
         and content->>'message_id_header' = any(${list}::text[])
      returning id, org_id, mailbox_id, gmail_message_id, thread_id, entity_type, entity_id
    ),
    announced as (
      insert into events (org_id, mailbox_id, type, payload)
      select org_id, mailbox_id, 'activity.bounced',
             jsonb_build_object('activity_id', id, 'mailbox_id', mailbox_id,
                                'gmail_message_id', gmail_message_id, 'thread_id', thread_id,
                                'entity_type', entity_type, 'entity_id', entity_id)
        from bounced
    )
    select id from bounced`);
  return rows.length;
}
