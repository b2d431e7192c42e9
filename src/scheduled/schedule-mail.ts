// POST /integrations/gmail/send with `send_at`: the mail is checked and composed now (a bad mail,
// a suppressed recipient or a missing mailbox fails at once, as a send now would), sealed, and
// stored with its first attempt queued at `send_at`, row and job in one transaction so neither
// exists without the other.
import { randomUUID } from 'node:crypto';
import { AppError } from '../app-error.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { enqueueScheduledSend } from '../queue/enqueue.ts';
import {
  type Caller,
  prepareOutgoing,
  type SendDeps,
  type SendRequest,
} from '../send/outgoing-mail.ts';
import type { Answer } from '../send/send-mail.ts';
import type { Vault } from '../vault/vault.ts';
import { sealMail } from './sealed-mail.ts';

/** Mail waiting per mailbox: 30 days of Gmail's Workspace limit (2,000 a day) is 60,000. */
export const MAX_PENDING_PER_MAILBOX = 60_000;

export interface ScheduleDeps extends SendDeps {
  vault: Vault;
}

export async function scheduleMail(
  deps: ScheduleDeps,
  caller: Caller,
  req: SendRequest,
  sendAt: Date,
): Promise<Answer> {
  const { mailbox, raw, record } = await prepareOutgoing(deps, caller, req);
  const { rows: pending } = await deps.db.execute<{ n: number }>(sql`
    select count(*)::int as n from scheduled_sends
     where mailbox_id = ${mailbox.id} and status in ('scheduled', 'sending')`);
  if ((pending[0]?.n ?? 0) >= MAX_PENDING_PER_MAILBOX) {
    throw new AppError(
      'too_many_scheduled',
      `this mailbox already has ${MAX_PENDING_PER_MAILBOX} mails waiting to be sent`,
    );
  }
  const id = randomUUID();
  const sealed = await sealMail(deps.vault, id, { record, raw });
  const { to, cc, bcc } = record.recipients;
  const emails = (list: { email: string }[]) =>
    sqlArray(
      list.map((a) => a.email),
      'text',
    );
  await deps.db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into scheduled_sends (id, org_id, user_id, mailbox_id, send_at, next_attempt_at,
                                   to_addresses, cc_addresses, bcc_addresses, subject,
                                   message_id_header, sealed_mail, wrapped_key, key_id)
      values (${id}, ${caller.orgId}, ${caller.userId}, ${mailbox.id}, ${sendAt.toISOString()},
              ${sendAt.toISOString()}, ${emails(to)}, ${emails(cc)},
              ${emails(bcc)}, ${record.subject}, ${record.messageIdHeader ?? ''},
              ${sealed.ciphertext}, ${sealed.wrappedKey}, ${sealed.keyId})`);
    await enqueueScheduledSend(tx, id, sendAt);
  });
  return {
    status: 202,
    body: { scheduled_id: id, send_at: sendAt.toISOString(), status: 'scheduled' },
  };
}
