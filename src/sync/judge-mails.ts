// The sync's verdict on mails it has read: which pass the mailbox's filters, whom each concerns
// (its participants matched to the org's CRM records) and, for mail that matches no one, the links
// of its logged thread. One code path for every judge: the sync's log step (log-messages.ts) and
// the audit of what search let go (search-audit/), which must decide exactly as the sync would.
import {
  type EntityIndex,
  type EntityLink,
  linksFor,
  matchAddresses,
} from '../crm/link-entities.ts';
import { counterparts, everyAddress, type SkipReason, skipReason } from '../crm/mail-filter.ts';
import { mayFollowThread, threadLinks, withBatchLinks } from '../crm/thread-links.ts';
import type { Db } from '../db/database.ts';
import type { ParsedMail } from '../mail/parse-message.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { ownerAddresses } from '../mailbox/send-as.ts';
import { type OrgRulesSource, withNeverLog } from '../org/org-rules.ts';

export interface Screened {
  owner: string[];
  /** Per mail, in order: why it is not logged, or null when it may be. */
  reasons: (SkipReason | null)[];
  /** The mails whose reason is null, with their participants other than the owner. */
  eligible: ParsedMail[];
  people: string[][];
  /** Those participants matched to the org's CRM records. */
  index: EntityIndex;
}

export interface Judged {
  mail: ParsedMail;
  threadId: string;
  /** Empty: the mail concerns no one and is not logged. */
  links: EntityLink[];
}

type JudgeScope = { db: Pick<Db, 'execute'>; mailbox: Mailbox; orgRules: OrgRulesSource };

/**
 * The mailbox's filters, the org's rules and the CRM match; `reports` are delivery reports (never
 * logged).
 */
export async function screenMails(
  ctx: JudgeScope,
  mails: ParsedMail[],
  reports: ReadonlySet<string>,
): Promise<Screened> {
  const { mailbox } = ctx;
  const owner = ownerAddresses(mailbox);
  // The org's rules, read after the fetch and just before the store: an erasure or a never_log
  // entry made while the mail was on its way still holds.
  const rules = mails.length > 0 ? await ctx.orgRules.forOrg(mailbox.orgId) : undefined;
  const settings = rules ? withNeverLog(mailbox.settings, rules) : mailbox.settings;
  const reasons = mails.map((m) =>
    reports.has(m.gmailId)
      ? 'delivery_report'
      : rules?.anyErased(everyAddress(m))
        ? 'erased'
        : skipReason(m, owner, settings),
  );
  const eligible = mails.filter((_, i) => reasons[i] === null);
  const people = eligible.map((m) => counterparts(m, owner).map((a) => a.email));
  const index = await matchAddresses(ctx.db, mailbox.orgId, [...new Set(people.flat())]);
  return { owner, reasons, eligible, people, index };
}

/**
 * Each eligible mail with its links: its participants' records, or when it matches no one, those
 * of its thread (logged before, or matched in this same batch).
 */
export async function linkMails(ctx: JudgeScope, screened: Screened): Promise<Judged[]> {
  const matched = screened.eligible.map((mail, i) => ({
    mail,
    threadId: mail.threadId,
    links: linksFor(screened.people[i] ?? [], screened.index),
  }));
  // A mail that matches no one is logged when its thread is (one query, only for those mails).
  const unmatched = matched.filter((m) => m.links.length === 0 && mayFollowThread(m.mail));
  if (unmatched.length > 0) {
    const threads = [...new Set(unmatched.map((m) => m.threadId))];
    const byThread = withBatchLinks(
      await threadLinks(ctx.db, ctx.mailbox, threads),
      matched.filter((m) => m.links.length > 0),
    );
    for (const m of unmatched) m.links = byThread.get(m.threadId) ?? [];
  }
  return matched;
}
