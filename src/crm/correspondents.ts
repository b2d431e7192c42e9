// Who a mailbox exchanges mail with, learned from every header the service already reads: the mail
// a sync fetches and logs or skips, the user's own sent mail (its recipients), the backfill's mail
// and the audit's header reads. Nothing is fetched to learn. Search-first asks Gmail's search for
// the CRM's people among them (mailbox-terms.ts), so a search's size follows the mailbox, not the
// CRM; and a sender the mailbox reads often whose mail never concerned the CRM (a newsletter, a
// colleague, a shop) is one whose next mail need not be fetched to be judged.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import type { MailAddress, ParsedMail } from '../mail/parse-message.ts';

/** A mail read, and whether it was logged (a CRM participant, or its thread). */
export interface ReadMail {
  mail: Pick<ParsedMail, 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'>;
  logged: boolean;
}

/** The most addresses one mail teaches (a mail to a thousand people is no correspondence). */
const MAX_PER_MAIL = 20;

interface Seen {
  mails: number;
  crm: number;
  sent: number;
}

/** Counts these mails' participants other than the owner (one statement). */
export async function noteCorrespondents(
  db: Pick<Db, 'execute'>,
  mailboxId: string,
  mails: ReadMail[],
  owner: readonly string[],
  /** Never remembered (an erased person: org/org-rules.ts). */
  forgotten: (address: string) => boolean = () => false,
): Promise<void> {
  const own = new Set(owner.map((a) => a.toLowerCase()));
  const seen = new Map<string, Seen>();
  const add = (a: MailAddress | null | undefined, logged: boolean, from: boolean) => {
    const address = a?.email?.toLowerCase();
    if (!address || own.has(address) || !address.includes('@') || address.length > 254) return;
    if (forgotten(address)) return;
    const s = seen.get(address) ?? { mails: 0, crm: 0, sent: 0 };
    s.mails += 1;
    if (logged) s.crm += 1;
    if (from) s.sent += 1;
    seen.set(address, s);
  };
  for (const { mail, logged } of mails) {
    add(mail.from, logged, true);
    const others = [...mail.to, ...mail.cc, ...mail.bcc, ...mail.replyTo].slice(0, MAX_PER_MAIL);
    const unique = new Map(others.map((a) => [a.email?.toLowerCase() ?? '', a]));
    unique.delete(mail.from?.email?.toLowerCase() ?? '');
    for (const a of unique.values()) add(a, logged, false);
  }
  if (seen.size === 0) return;
  const rows = [...seen.entries()];
  const addresses = sqlArray(
    rows.map(([a]) => a),
    'text',
  );
  const count = (of: (s: (typeof rows)[number][1]) => number) =>
    sqlArray(
      rows.map(([, s]) => of(s)),
      'int',
    );
  await db.execute(sql`
    insert into mailbox_correspondents as c (mailbox_id, address, domain, mails, crm_mails, sent)
    select ${mailboxId}, a, split_part(a, '@', 2), m, k, s
      from unnest(${addresses}, ${count((s) => s.mails)}, ${count((s) => s.crm)}, ${count((s) => s.sent)})
           as t(a, m, k, s)
    on conflict (mailbox_id, address) do update
       set mails = c.mails + excluded.mails, crm_mails = c.crm_mails + excluded.crm_mails,
           sent = c.sent + excluded.sent, seen_at = now()`);
}

/** An erased address no longer any of the org's mailboxes' correspondent (org/erasure-rows.ts). */
export async function forgetCorrespondent(
  tx: Pick<Db, 'execute'>,
  orgId: string,
  email: string,
): Promise<void> {
  await tx.execute(sql`
    delete from mailbox_correspondents c using mailboxes m
     where m.id = c.mailbox_id and m.org_id = ${orgId} and c.address = ${email}`);
}
