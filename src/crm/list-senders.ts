// Mail a list writes under its own address. Google Groups, when a sender's domain publishes a
// strict DMARC policy, rewrites the post's From to the group ("'Ana' via Vendas"
// <vendas@vendor.test>) and leaves the sender only in Reply-To and X-Original-From
// (github.com/postalserver/postal/issues/849, github.com/ahochsteger/gmail-processor/issues/516,
// wiki.ietf.org/group/dmarc/XOriginalFrom). The sync logs Reply-To
// participants, but Gmail's search does not look in Reply-To (its operators name From, To, Cc and
// Bcc only: support.google.com/mail/answer/7190), so search-first would never find such a post.
//
// Decision: the lists are learned from the org's logged mail, and mail FROM a learned list address
// is asked for by address (`from:vendas@vendor.test` in the same query as the CRM's addresses), so
// it is fetched and judged by its Reply-To like any mail. A list is learned from a logged mail that
// carries list headers: the group's posting address (RFC 2369 List-Post), or the From of a post it
// rewrote (X-Original-From, or a "… via …" display name, with List-Id). A team's group is learned
// from the first post a CRM person makes under their own From, or from yesterday's mail at the
// backfill; a group first met through a rewritten post is left to the reconciliation's and the
// audit's checks. Cost: one fetch for each post the list rewrote (CRM or not), and a few characters
// of query; never a fetch of the list's other posts (their From is the person). Measured on the
// day bench (docs/performance.md).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { isPlainSearchTerm } from '../google/gmail-search-terms.ts';
import type { ParsedMail } from '../mail/parse-message.ts';

/** The most list addresses one org's searches carry, the most recently seen first. */
const MAX_LISTS = 50;
/** A list not seen in logged mail for this long is no longer asked for. */
const FORGET_AFTER_DAYS = 180;
/** A plain address Gmail reads as one token (no operator, quote, group or leading `-`). */
const isPlainAddress = (a: string) => a.includes('@') && isPlainSearchTerm(a);

/** A term listSenderTerms makes: `from:` and a plain address. */
export const isListSenderTerm = (term: string) =>
  term.startsWith('from:') && isPlainAddress(term.slice(5));

/** The address this mail's list writes under, when the mail came through a list; else null. */
export function listSenderOf(mail: ParsedMail, owner: readonly string[]): string | null {
  if (!mail.listId && !mail.listPost) return null;
  const rewritten =
    mail.listId && mail.from && (mail.originalFrom || / via /i.test(mail.from.name));
  const address = rewritten ? mail.from?.email : mail.listPost;
  if (!address || owner.includes(address) || !isPlainAddress(address)) return null;
  return address.toLowerCase();
}

/** Remembers the lists of these logged mails for the org's searches (one statement). */
export async function noteListSenders(
  db: Pick<Db, 'execute'>,
  orgId: string,
  mails: ParsedMail[],
  owner: readonly string[],
): Promise<void> {
  const addresses = [...new Set(mails.flatMap((m) => listSenderOf(m, owner) ?? []))];
  if (addresses.length === 0) return;
  await db.execute(sql`
    insert into list_senders (org_id, address)
    select ${orgId}, unnest(${sqlArray(addresses, 'text')})
    on conflict (org_id, address) do update set seen_at = now()`);
}

/** An erased address no longer a learned list (org/erasure-rows.ts). */
export async function forgetListSender(
  tx: Pick<Db, 'execute'>,
  orgId: string,
  email: string,
): Promise<void> {
  await tx.execute(sql`delete from list_senders where org_id = ${orgId} and address = ${email}`);
}

/** The org's learned lists as search terms: mail from each, by address. */
export async function listSenderTerms(db: Pick<Db, 'execute'>, orgId: string): Promise<string[]> {
  const { rows } = await db.execute<{ address: string }>(sql`
    select address from list_senders
     where org_id = ${orgId} and seen_at > now() - make_interval(days => ${FORGET_AFTER_DAYS})
     order by seen_at desc, address limit ${MAX_LISTS}`);
  return rows
    .map((r) => r.address)
    .filter(isPlainAddress)
    .map((a) => `from:${a}`);
}
