// Sending as the user through their own Gmail, then logging the mail once: the activity is keyed
// by the Gmail id Gmail returns, the same key the sync uses when it later sees the mail in SENT.

import { convert as htmlToText } from 'html-to-text';
import { readOrgSettings } from '../activities/org-settings.ts';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Answer } from '../http/idempotency.ts';
import type { Logger } from '../logger.ts';
import { composeMessage } from '../mail/compose-message.ts';
import type { MailAddress, ParsedMail } from '../mail/parse-message.ts';
import { splitRawEntity } from '../mail/raw-entity.ts';
import { parseRecipients } from '../mail/recipients.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant, mailboxRevoked } from '../mailbox/revocation.ts';
import { resolveSender } from '../mailbox/send-as.ts';
import { forbidsAny, type OrgRulesSource } from '../org/org-rules.ts';
import { activityAuthor } from '../sync/activity-author.ts';
import { toActivityDraft } from '../sync/activity-row.ts';
import {
  type EntityLink,
  type EntityType,
  linksFor,
  matchAddresses,
} from '../sync/link-entities.ts';
import { insertActivities } from '../sync/store-activities.ts';
import { replyContext } from './reply-context.ts';
import { sendingMailbox } from './sending-mailbox.ts';

/** Gmail's daily sending limit is a rolling 24 hours; a day is the safe answer when it names no time. */
const DAILY_LIMIT_RETRY_MS = 24 * 60 * 60 * 1000;
/** A send is a request someone waits on: rate refusals are retried this long, then answered 429. */
const SEND_MAX_WAIT_MS = 20_000;

export interface SendDeps {
  db: Db;
  log: Logger;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
  orgRules: OrgRulesSource;
  /** Where a read-only mailbox's user reconnects (`reconnect_url`). */
  publicUrl: string;
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
}

export async function sendMail(
  deps: SendDeps,
  caller: { orgId: string; userId: string; name: string | undefined },
  req: SendRequest,
): Promise<Answer> {
  const recipients = strictRecipients(req);
  const mailbox = await sendingMailbox(deps, caller, req.mailbox);
  const entity =
    req.entity_type && req.entity_id ? await requireEntity(deps.db, caller.orgId, req) : undefined;
  const pacer = deps.pacers.forMailbox(mailbox.id);
  // A grant found gone here (refresh, or the original's lookup) is the mailbox's, not a bug.
  const reply = await (async () => {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    return req.reply_to_message_id
      ? await replyContext(gmail, pacer, req.reply_to_message_id)
      : undefined;
  })().catch(async (error: unknown) => {
    if (await handleRevokedGrant(deps, mailbox, error)) throw mailboxRevoked();
    throw error;
  });

  const alias = await resolveSender(deps, mailbox, req.from);
  const senderName = alias?.display_name || (caller.name ?? mailbox.userName ?? '');
  const sender = { name: senderName, email: alias?.email ?? mailbox.email };
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
  });

  const sent = await sendRaw(deps, mailbox, raw, reply?.threadId);
  const mail: ParsedMail = {
    gmailId: sent.id,
    threadId: sent.threadId,
    labelIds: ['SENT'],
    historyId: null,
    // Recorded so Gmail's bounce, which names it, finds this activity (sync/bounces.ts).
    messageIdHeader: messageIdOf(raw),
    inReplyTo: reply?.inReplyTo ?? null,
    references: reply?.references ?? [],
    subject: req.subject,
    from: sender,
    ...recipients,
    replyTo: [],
    date: new Date(),
    bodyText: req.text ?? htmlToText(req.html ?? '', { wordwrap: false }),
    bodyTruncated: false,
    bodyHtml: req.html ?? null,
    attachments: (req.attachments ?? []).map((a) => ({
      filename: a.filename,
      mimeType: a.content_type,
      size: a.content.length,
    })),
    snippet: '',
  };
  // Sent from a shared mailbox, the activity is the sender's: the member who sent it.
  const author = { userId: caller.userId, name: senderName || mailbox.email };
  const activityId = await logSentMail(deps, mailbox, mail, entity, author);
  return {
    status: 201,
    body: {
      message_id: sent.id,
      thread_id: sent.threadId,
      status: 'sent',
      activity_id: activityId,
      // Exactly where the mail went, as Gmail was given it.
      recipients: {
        to: recipients.to.map((r) => r.email),
        cc: recipients.cc.map((r) => r.email),
        bcc: recipients.bcc.map((r) => r.email),
      },
    },
  };
}

async function sendRaw(
  deps: SendDeps,
  mailbox: Mailbox,
  raw: Buffer,
  threadId: string | undefined,
) {
  try {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    const { data } = await callGmail(
      deps.pacers.forMailbox(mailbox.id),
      'messages.send',
      () =>
        // A new mail goes to the upload endpoint as bytes, with no base64url copy of it on the
        // heap (https://developers.google.com/workspace/gmail/api/guides/uploads). A reply needs
        // its threadId beside the bytes (a multipart upload the simulator lacks): inline raw.
        threadId
          ? gmail.users.messages.send({
              userId: 'me',
              requestBody: { raw: raw.toString('base64url'), threadId },
            })
          : gmail.users.messages.send(
              { userId: 'me', media: { mimeType: 'message/rfc822', body: raw } },
              // The upload URL is built from the call's rootUrl, not the client's: pass it on.
              { rootUrl: gmail.context._options.rootUrl },
            ),
      { idempotent: false, maxWaitMs: SEND_MAX_WAIT_MS },
    );
    if (!data.id || !data.threadId) throw new Error('Gmail answered without a message id');
    return { id: data.id, threadId: data.threadId };
  } catch (error) {
    throw await sendFailure(deps, mailbox, error);
  }
}

/** Gmail's refusal, said so the CRM can act; an unknown outcome is remembered under the key. */
async function sendFailure(deps: SendDeps, mailbox: Mailbox, error: unknown): Promise<AppError> {
  if (await handleRevokedGrant(deps, mailbox, error)) return mailboxRevoked();
  const failure = classifyGoogleError(error);
  if (failure.kind === 'daily_send_limit') {
    const retryAt = failure.retryAt ?? new Date(Date.now() + DAILY_LIMIT_RETRY_MS);
    return new AppError(
      'daily_send_limit',
      "Gmail's daily sending limit is reached for this mailbox",
      {
        details: { retry_at: retryAt.toISOString() },
      },
    );
  }
  // Any of Gmail's rate refusals (429, 403 usageLimits) came before Gmail sent anything.
  if (failure.kind === 'retryable' && (failure.throttled || failure.status === 0)) {
    const retryAfter = Math.ceil((failure.retryAfterMs ?? 60_000) / 1000);
    return new AppError('quota_exceeded', 'Gmail is rate-limiting this mailbox; retry later', {
      details: { retry_after_s: retryAfter },
    });
  }
  if (failure.kind === 'fatal' && failure.status >= 400 && failure.status < 500) {
    return new AppError('gmail_rejected', `Gmail refused the message: ${failure.message}`);
  }
  deps.log.error({ err: error, mailbox_id: mailbox.id }, 'send outcome unknown');
  return new AppError(
    'send_outcome_unknown',
    'Gmail may or may not have sent the message; check Sent before retrying',
    {
      details: { outcome_unknown: true },
    },
  );
}

async function logSentMail(
  { db, orgRules }: Pick<SendDeps, 'db' | 'orgRules'>,
  mailbox: Mailbox,
  mail: ParsedMail,
  entity: EntityLink | undefined,
  sender: { userId: string; name: string },
): Promise<string | null> {
  const people = [...mail.to, ...mail.cc, ...mail.bcc].map((a) => a.email);
  // Sent, but never logged: a recipient the org erased or never logs (every mailbox, as synced).
  if (forbidsAny(await orgRules.forOrg(mailbox.orgId), people)) return null;
  const matched = linksFor(people, await matchAddresses(db, mailbox.orgId, people));
  const links = entity
    ? [
        entity,
        ...matched.filter(
          (l) => l.entityType !== entity.entityType || l.entityId !== entity.entityId,
        ),
      ]
    : matched;
  if (links.length === 0) return null;
  const org = await readOrgSettings(db, mailbox.orgId);
  const author = { ...activityAuthor(mailbox, sender.name, org), userId: sender.userId };
  const draft = toActivityDraft(mail, author, links);
  const stored = await insertActivities(db, [draft]);
  if (stored[0]) return stored[0].id;
  // The sync got there first (it saw the mail in SENT): the activity exists under the same key.
  const { rows } = await db.execute<{ id: string }>(sql`
    select id from activities where mailbox_id = ${mailbox.id} and gmail_message_id = ${mail.gmailId}`);
  return rows[0]?.id ?? null;
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
      {
        details: { field: 'entity_id' },
      },
    );
  }
  return { entityType: req.entity_type ?? 'contact', entityId: req.entity_id ?? '', email: '' };
}

/**
 * One plain address per entry, a display name only when it cannot pass for an address: the mail
 * goes exactly where the CRM showed (a line separator, a tab, group syntax or an address hidden in
 * a name would send it elsewhere). Any bad entry refuses the whole send.
 */
function strictRecipients(req: SendRequest): Record<'to' | 'cc' | 'bcc', MailAddress[]> {
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
