// The shape of a mail search let go and the sync logs: what about it search may have missed. Told
// from its headers alone, and reported to the CRM without a person's address (a domain, a list,
// which header held the CRM's person), so whoever reads it knows what kind of mail search misses.
//   sender, domain  the From address and its domain (a domain only outside free mail and the
//                   owner's own): mail search should have found by its From, To or Cc
//   list            a mailing list (RFC 2919 List-Id)
//   group           a Google Group, which under strict DMARC rewrites From to the group ("Ana via
//                   Vendas") and leaves the writer in Reply-To and X-Original-Sender
//   reply_to_only   the CRM's people are only in Reply-To, which Gmail's search does not index
//   bcc_only        the CRM's people are only in Bcc (the sender's own copy keeps it)
//   thread          no one matched: the mail belongs to a thread the mailbox logged
import { isFreeMailDomain } from '../crm/free-mail.ts';
import type { EntityLink } from '../crm/link-entities.ts';
import { domainOf, ownDomains } from '../crm/mail-filter.ts';
import type { ParsedMail } from '../mail/parse-message.ts';

export const SHAPE_KINDS = [
  'sender',
  'domain',
  'list',
  'group',
  'reply_to_only',
  'bcc_only',
  'thread',
] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

export interface MailShape {
  kinds: ShapeKind[];
  sender: string | null;
  domain: string | null;
  list: string | null;
}

/** Headers only Google Groups writes (https://support.google.com/groups/answer/2646833). */
export const GROUP_HEADERS = ['X-Google-Group-Id', 'X-Original-Sender'];

export function shapeOf(
  mail: ParsedMail,
  links: readonly EntityLink[],
  owner: readonly string[],
  fromGroup: boolean,
): MailShape {
  const kinds: ShapeKind[] = [];
  const sender = mail.from?.email ?? null;
  const fromDomain = sender ? domainOf(sender) : null;
  const domain =
    fromDomain && !isFreeMailDomain(fromDomain) && !ownDomains(owner).has(fromDomain)
      ? fromDomain
      : null;
  const list = listOf(mail.listId ?? null);
  if (sender) kinds.push('sender');
  if (domain) kinds.push('domain');
  if (list) kinds.push('list');
  if (fromGroup) kinds.push('group');
  const people = [...new Set(links.map((l) => l.email).filter((e) => e !== ''))];
  if (people.length === 0 && links.length > 0) kinds.push('thread');
  const searched = new Set([mail.from, ...mail.to, ...mail.cc].map((a) => a?.email));
  if (people.length > 0 && people.every((p) => !searched.has(p))) {
    if (mail.replyTo.some((a) => people.includes(a.email))) kinds.push('reply_to_only');
    if (mail.bcc.some((a) => people.includes(a.email))) kinds.push('bcc_only');
  }
  return { kinds, sender, domain, list };
}

/** Whether two mails share a shape: the same sender, domain or list, or the same hidden header. */
export function sharesShape(a: MailShape, b: MailShape): boolean {
  const both = (kind: ShapeKind) => a.kinds.includes(kind) && b.kinds.includes(kind);
  return (
    (a.sender !== null && a.sender === b.sender) ||
    (a.domain !== null && a.domain === b.domain) ||
    (a.list !== null && a.list === b.list) ||
    both('group') ||
    both('reply_to_only') ||
    both('bcc_only')
  );
}

/** RFC 2919: the list's id is the part in angle brackets (the phrase before it is a label). */
function listOf(listId: string | null): string | null {
  if (!listId) return null;
  const id = /<([^<>\s]{1,255})>/.exec(listId)?.[1] ?? listId.trim();
  return id === '' ? null : id.toLowerCase().slice(0, 255);
}
