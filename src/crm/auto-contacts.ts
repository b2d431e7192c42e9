// Contacts created from mail, when the org asks (`auto_create_contacts`): the people its users
// write to (`sent`), and also those who write to them (`sent_and_received`). Never a machine or a
// role (no-reply, notifications@, billing@…), never mailing-list or auto-submitted mail (RFC 2919
// List-Id, Precedence: bulk/list/junk, RFC 3834 Auto-Submitted), never the org's own people (its
// mailboxes' addresses and send-as aliases, and their domains unless free mail). A contact made
// here carries its source and is announced (`contact.created`); the contacts trigger queues the
// retroactive search that finds its earlier mail, and the mail at hand is linked to it at once.
// Only new mail (the history sync) is asked: sync/log-messages.ts says why.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { OrgSettings } from '../db/schema.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import { isPlainSearchTerm } from '../google/gmail-search-terms.ts';
import type { MailAddress, ParsedMail } from '../mail/parse-message.ts';
import { isFreeMailDomain } from './free-mail.ts';
import type { EntityIndex } from './link-entities.ts';
import { domainOf, isSent } from './mail-filter.ts';

/** Local parts that name a role or a machine, not a person (RFC 2142 and common practice). */
const ROLE_LOCAL_PART =
  /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|notify|alerts?|billing|invoices?|accounts?|support|help(desk)?|info|contact|hello|sales|marketing|news(letter)?|mailer[-_.]?daemon|postmaster|hostmaster|webmaster|abuse|security|admin|bounces?|unsubscribe|feedback|service|team|office|jobs|careers|press)([+].*|[-_.]?(team|dept|\d+))?$/i;

export function isRoleAddress(email: string): boolean {
  const local = email.slice(0, email.lastIndexOf('@'));
  return ROLE_LOCAL_PART.test(local) || /^(bounce|noreply|no-reply)/i.test(local);
}

/** Mail a list, a bulk sender or a machine sent: its participants are not people to know. */
export function isListOrMachineMail(mail: ParsedMail): boolean {
  if (mail.listId) return true;
  if (mail.precedence && /^(bulk|list|junk)$/i.test(mail.precedence.trim())) return true;
  return mail.autoSubmitted != null && mail.autoSubmitted.trim().toLowerCase() !== 'no';
}

type Source = 'gmail_sent' | 'gmail_received';

/** The mailbox whose mail makes the contacts (the sync's context fits), and their database. */
type ContactScope = { db: Db; mailbox: { id: string; orgId: string } };

/**
 * Creates the contacts these mails call for and adds them to `index` (so the mails link to them
 * now); returns how many were created.
 */
export async function createContactsFromMail(
  ctx: ContactScope,
  mails: ParsedMail[],
  index: EntityIndex,
  mode: OrgSettings['auto_create_contacts'],
  owner: readonly string[],
): Promise<number> {
  if (mode === 'none') return 0;
  const wanted = new Map<string, { name: string; source: Source }>();
  for (const mail of mails) {
    if (isListOrMachineMail(mail)) continue;
    const sent = isSent(mail, owner);
    if (!sent && mode !== 'sent_and_received') continue;
    const people: (MailAddress | null)[] = sent
      ? [...mail.to, ...mail.cc, ...mail.bcc]
      : [mail.from];
    for (const person of people) {
      if (!person || owner.includes(person.email) || wanted.has(person.email)) continue;
      const known = (index.get(person.email) ?? []).some(
        (l) => l.entityType === 'contact' || l.entityType === 'lead',
      );
      // An address search cannot express would make every later search incomplete: one stranger's
      // mail must not switch the org's search-first off (gmail-search-terms.ts).
      if (known || isRoleAddress(person.email) || !isPlainSearchTerm(person.email)) continue;
      const name = person.name?.trim() || person.email.slice(0, person.email.lastIndexOf('@'));
      wanted.set(person.email, { name, source: sent ? 'gmail_sent' : 'gmail_received' });
    }
  }
  if (wanted.size === 0) return 0;
  const own = await orgOwnAddresses(ctx);
  const input = [...wanted]
    .filter(([email]) => !own.addresses.has(email) && !own.domains.has(domainOf(email)))
    .map(([email, w]) => ({ email, name: w.name, source: w.source }));
  if (input.length === 0) return 0;
  const created = await insertContacts(ctx, input);
  for (const c of created) {
    const others = (index.get(c.email) ?? []).filter((l) => l.entityType !== 'contact');
    index.set(c.email, [{ entityType: 'contact', entityId: c.id, email: c.email }, ...others]);
  }
  return created.length;
}

/** The org's people: every connected mailbox's address and aliases, and their non-free domains. */
async function orgOwnAddresses(ctx: ContactScope) {
  const { rows } = await ctx.db.execute<{ email: string }>(sql`
    select lower(m.email) as email from mailboxes m
     where m.org_id = ${ctx.mailbox.orgId} and m.status <> 'disconnected'
    union
    select lower(s ->> 'email') from mailboxes m, jsonb_array_elements(m.send_as) s
     where m.org_id = ${ctx.mailbox.orgId} and m.status <> 'disconnected'`);
  const addresses = new Set(rows.map((r) => r.email));
  const domains = new Set([...addresses].map(domainOf).filter((d) => !isFreeMailDomain(d)));
  return { addresses, domains };
}

/**
 * One transaction: a lock per address (in order, so two mailboxes of the org syncing the same
 * person at once cannot deadlock, and only one creates the contact), then the contacts no record of
 * the org has the address of yet, with their events.
 */
async function insertContacts(
  ctx: ContactScope,
  input: { email: string; name: string; source: Source }[],
): Promise<{ id: string; email: string }[]> {
  const { orgId, id: mailboxId } = ctx.mailbox;
  const keys = input.map((i) => `auto-contact:${orgId}:${i.email}`).sort();
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`
      select pg_advisory_xact_lock(hashtext(k.key))
        from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as k(key) order by k.key`);
    const { rows } = await tx.execute<{ id: string; email: string }>(sql`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
          as i(email text, name text, source text)
      ),
      created as (
        insert into contacts (org_id, name, email, source)
        select ${orgId}, i.name, i.email, i.source from input i
         where not exists (select 1 from crm_entity_emails e
                            where e.org_id = ${orgId} and e.email = i.email)
        returning id, email, name, source
      ),
      announced as (
        ${insertEventsSql(sql`
        select ${orgId}, ${mailboxId}::uuid, ${EVENT.contactCreated}::text,
               jsonb_build_object('contact_id', id, 'email', email, 'name', name,
                                  'source', source, 'mailbox_id', ${mailboxId}::uuid)
          from created`)}
      )
      select id, email from created`);
    if (rows.length > 0) await askEventDelivery(tx);
    return rows;
  });
}
