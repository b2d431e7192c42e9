// A mail the CRM asked to send, checked and composed, not yet given to Gmail: the same for a send
// now and one scheduled for later (composed at request time, so a bad mail fails at once). Every
// refusal happens here, before Gmail is called: bad recipients, no or revoked mailbox, an unknown
// entity or reply target, a sender that is not a verified alias, a suppressed recipient.
import { HTML_LIMIT_BYTES } from '../activity-store/activity-content.ts';
import { AppError } from '../app-error.ts';
import type { EntityLink, EntityType } from '../crm/link-entities.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import { capUtf8, cleanText } from '../mail/clean-text.ts';
import { composeMessage } from '../mail/compose-message.ts';
import { safeDisplayName } from '../mail/display-name.ts';
import { boundHtml } from '../mail/html-bounds.ts';
import { htmlToText } from '../mail/html-text.ts';
import { BODY_LIMIT_BYTES, type MailAddress } from '../mail/parse-message.ts';
import { splitRawEntity } from '../mail/raw-entity.ts';
import { parseRecipients } from '../mail/recipients.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant, mailboxNeedsAdmin, mailboxRevoked } from '../mailbox/revocation.ts';
import { resolveSender } from '../mailbox/send-as.ts';
import type { OrgRulesSource } from '../org/org-rules.ts';
import { refuseSuppressed } from '../suppressions/suppression-store.ts';
import type { UnsubscribeKeys } from '../suppressions/unsubscribe-key.ts';
import { signUnsubscribeToken } from '../suppressions/unsubscribe-token.ts';
import { replyContext } from './reply-context.ts';
import { sendingMailbox } from './sending-mailbox.ts';

export interface SendDeps {
  db: Db;
  log: Logger;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
  /** PUBLIC_URL: where unsubscribe links point (and a read-only mailbox's user reconnects). */
  publicUrl: string;
  unsubscribeKeys: () => Promise<UnsubscribeKeys>;
  /** What the org forbids logging (erased people, never_log): such mail is sent, not logged. */
  orgRules: OrgRulesSource;
}

export interface SendRequest {
  /** One of the mailbox's verified send-as addresses; the primary when left out. */
  from?: string | undefined;
  /** A mailbox of the org shared with the caller, to send from; the caller's own when left out. */
  mailbox?: string | undefined;
  to: string[];
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  reply_to_message_id?: string | undefined;
  /** Decoded by the route: the bytes live in Buffers, outside the JavaScript heap. */
  attachments?: { filename: string; content_type: string; content: Buffer }[] | undefined;
  entity_type?: EntityType | undefined;
  entity_id?: string | undefined;
  /** RFC 8058 one-click unsubscribe headers, for mail to one recipient. */
  list_unsubscribe?: boolean | undefined;
  /** RFC 3339; validated by the route (1 minute to 30 days ahead). */
  send_at?: string | undefined;
}

export interface Caller {
  orgId: string;
  userId: string;
  name: string | undefined;
}

export type Recipients = Record<'to' | 'cc' | 'bcc', MailAddress[]>;

/** What logging the sent mail needs besides Gmail's ids; serialisable (scheduled-mail.ts). */
export interface OutgoingRecord {
  subject: string;
  from: MailAddress;
  recipients: Recipients;
  messageIdHeader: string | null;
  inReplyTo: string | null;
  references: string[];
  /** At most BODY_LIMIT_BYTES, as received mail's (sentBody). */
  bodyText: string;
  /** True when bodyText or bodyHtml was cut (absent in records written before the caps). */
  bodyTruncated?: boolean;
  bodyHtml: string | null;
  attachments: { filename: string; mimeType: string; size: number }[];
  entity: EntityLink | null;
  createdByName: string;
  /** The CRM user who sent it (a member, when sent from a shared mailbox); absent on mail
   * scheduled before it existed: the mailbox's user. */
  createdBy?: string;
  /** The Gmail thread a reply joins; null for a new thread. */
  threadId: string | null;
}

export interface Outgoing {
  mailbox: Mailbox;
  raw: Buffer;
  record: OutgoingRecord;
}

export async function prepareOutgoing(
  deps: SendDeps,
  caller: Caller,
  req: SendRequest,
): Promise<Outgoing> {
  const recipients = strictRecipients(req);
  if (req.list_unsubscribe) requireOneRecipient(recipients);
  const mailbox = await sendingMailbox(deps, caller, req.mailbox);
  const everyone = [...recipients.to, ...recipients.cc, ...recipients.bcc].map((r) => r.email);
  await refuseSuppressed(deps.db, caller.orgId, everyone);
  const entity =
    req.entity_type && req.entity_id ? await requireEntity(deps.db, caller.orgId, req) : null;
  // A grant found gone here (refresh, or the original's lookup) is the mailbox's, not a bug.
  const reply = await (async () => {
    if (!req.reply_to_message_id) return undefined;
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    return replyContext(gmail, deps.pacers.forMailbox(mailbox.id), req.reply_to_message_id);
  })().catch(async (error: unknown) => {
    const lost = await handleRevokedGrant(deps, mailbox, error);
    if (lost) throw lost === 'revoked' ? mailboxRevoked() : mailboxNeedsAdmin();
    throw error;
  });

  const alias = await resolveSender(deps, mailbox, req.from);
  // Never an address-looking name in From (display-name.ts), whatever a token or an old row says.
  const senderName =
    alias?.display_name || (safeDisplayName(caller.name ?? mailbox.userName) ?? '');
  const sender = { name: senderName, email: alias?.email ?? mailbox.email };
  const unsubscribe = req.list_unsubscribe
    ? await unsubscribeHeaders(deps, caller.orgId, recipients.to[0]?.email ?? '')
    : undefined;
  const raw = await composeMessage({
    from: sender,
    ...recipients,
    subject: req.subject,
    ...(req.text !== undefined ? { text: req.text } : {}),
    ...(req.html !== undefined ? { html: req.html } : {}),
    attachments: (req.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.content_type,
      content: a.content,
    })),
    ...(reply ? { inReplyTo: reply.inReplyTo, references: reply.references } : {}),
    ...(unsubscribe ? { headers: unsubscribe } : {}),
  });
  return {
    mailbox,
    raw,
    record: {
      subject: req.subject,
      from: sender,
      recipients,
      // Recorded so a bounce or reply that names it finds this mail (outcomes/).
      messageIdHeader: messageIdOf(raw),
      inReplyTo: reply?.inReplyTo ?? null,
      references: reply?.references ?? [],
      ...sentBody(req),
      attachments: (req.attachments ?? []).map((a) => ({
        filename: a.filename,
        mimeType: a.content_type,
        size: a.content.length,
      })),
      entity,
      createdByName: senderName || mailbox.email,
      createdBy: caller.userId,
      threadId: reply?.threadId ?? null,
    },
  };
}

/**
 * RFC 8058 §3.1: a POST to the https URI with `List-Unsubscribe=One-Click` unsubscribes; the link
 * is the recipient's own, so a mail carrying it goes to one person.
 */
async function unsubscribeHeaders(
  deps: SendDeps,
  orgId: string,
  email: string,
): Promise<Record<string, string>> {
  const token = signUnsubscribeToken(await deps.unsubscribeKeys(), { orgId, email });
  return {
    'List-Unsubscribe': `<${deps.publicUrl}/u/${token}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

function requireOneRecipient(recipients: Recipients): void {
  if (recipients.to.length === 1 && recipients.cc.length === 0 && recipients.bcc.length === 0) {
    return;
  }
  throw new AppError(
    'invalid_request',
    'list_unsubscribe: the unsubscribe link is the recipient’s own; send to one address (to), without cc or bcc',
    { details: { field: 'list_unsubscribe' } },
  );
}

async function requireEntity(db: Db, orgId: string, req: SendRequest): Promise<EntityLink> {
  const table = {
    contact: sql`contacts`,
    lead: sql`leads`,
    deal: sql`deals`,
    company: sql`companies`,
  }[req.entity_type ?? 'contact'];
  const { rows } = await db.execute(
    sql`select 1 from ${table} where org_id = ${orgId} and id = ${req.entity_id}`,
  );
  if (rows.length === 0) {
    throw new AppError(
      'entity_not_found',
      `entity_id: no ${req.entity_type} with this id in your organisation`,
      { details: { field: 'entity_id' } },
    );
  }
  return { entityType: req.entity_type ?? 'contact', entityId: req.entity_id ?? '', email: '' };
}

/**
 * One plain address per entry, a display name only when it cannot pass for an address: the mail
 * goes exactly where the CRM showed (a line separator, a tab, group syntax or an address hidden in
 * a name would send it elsewhere). Any bad entry refuses the whole send.
 */
/**
 * What the activity keeps of a sent mail's bodies, capped as received mail's are (parse-message.ts):
 * the text at BODY_LIMIT_BYTES, the HTML at the activity's own limit, both cut flagged.
 */
function sentBody(
  req: SendRequest,
): Pick<OutgoingRecord, 'bodyText' | 'bodyTruncated' | 'bodyHtml'> {
  const fromHtml = req.text === undefined ? htmlToText(req.html ?? '') : undefined;
  const [bodyText, cut] = capUtf8(cleanText(req.text ?? fromHtml?.text ?? ''), BODY_LIMIT_BYTES);
  const html = req.html === undefined ? undefined : boundHtml(req.html, HTML_LIMIT_BYTES);
  return {
    bodyText,
    bodyTruncated: cut || (fromHtml?.truncated ?? false) || (html?.truncated ?? false),
    bodyHtml: html?.html ?? null,
  };
}

function strictRecipients(req: SendRequest): Recipients {
  const field = (name: 'to' | 'cc' | 'bcc'): MailAddress[] => {
    const { recipients, errors } = parseRecipients(req[name] ?? []);
    const first = errors[0];
    if (first) {
      throw new AppError('invalid_request', `${name}: ${first.message}`, {
        details: { field: name, index: first.index, problem: first.problem },
      });
    }
    return recipients.map((r) => ({ name: r.name ?? '', email: r.address.toLowerCase() }));
  };
  return { to: field('to'), cc: field('cc'), bcc: field('bcc') };
}

function messageIdOf(raw: Buffer): string | null {
  return (
    splitRawEntity(raw).headers.find((h) => h.name.toLowerCase() === 'message-id')?.value ?? null
  );
}
