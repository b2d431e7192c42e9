// users.messages insert, import and send (https://developers.google.com/gmail/api/reference/rest/v1/users.messages):
// raw RFC 5322 in (JSON `raw` or the /upload media form), Gmail's threading rules, the recipient
// limit and the daily sending limit with its bounces; insert and import date the mail by
// `internalDateSource`; a send may lose its answer after the mail went (`send_drop_after_store`).
import { randomBytes } from 'node:crypto';
import express, { type Request, Router } from 'express';
import { withoutBcc } from './bcc.ts';
import { sendingLimitBounce } from './bounce.ts';
import type { SimContext } from './context.ts';
import { base, type Call, errors, GmailError, INSERT_SCOPES, SEND_SCOPES } from './gmail-call.ts';
import type { GmailStore, SimMailbox } from './gmail-store.ts';
import { type Header, headerValue, splitHeaderBlock } from './mime.ts';

const MAX_RECIPIENTS = 100;
/** Workspace accounts may send 2,000 messages a rolling day (https://support.google.com/a/answer/166852). */
const DAILY_SEND_LIMIT = 2_000;
const DAY_MS = 86_400_000;

export function sendRouter(ctx: SimContext, store: GmailStore, call: Call): Router {
  const router = Router();
  const json = express.json({ limit: '50mb' });
  const media = express.raw({ type: () => true, limit: '50mb' });

  const insertLike = (method: 'messages.insert' | 'messages.import') =>
    call(method, INSERT_SCOPES, (req, res) => {
      const mb = res.locals.mailbox;
      const raw = rawFromRequest(req);
      const body = (req.body ?? {}) as { labelIds?: string[]; threadId?: string };
      const { headers } = splitHeaderBlock(raw);
      const requested = Buffer.isBuffer(req.body) ? undefined : body.threadId;
      const m = store.insert(mb, raw, {
        labelIds: Buffer.isBuffer(req.body) ? [] : (body.labelIds ?? []),
        threadId: requested ? agreedThread(store, mb, headers, requested) : undefined,
        internalDate: internalDateOf(headers, method, req.query.internalDateSource),
      });
      res.json({ id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] });
    });
  router.post(`${base}/messages`, json, insertLike('messages.insert'));
  router.post(`${base}/messages/import`, json, insertLike('messages.import'));
  router.post(`/upload${base}/messages`, media, insertLike('messages.insert'));
  router.post(`/upload${base}/messages/import`, media, insertLike('messages.import'));

  const send = call('messages.send', SEND_SCOPES, (req, res) => {
    const mb = res.locals.mailbox;
    const raw = rawFromRequest(req);
    const { headers } = splitHeaderBlock(raw);
    const recipients = ['To', 'Cc', 'Bcc']
      .flatMap((h) => (headerValue(headers, h) ?? '').split(','))
      .map((a) => a.trim())
      .filter((a) => a.includes('@'));
    if (recipients.length === 0) throw errors.badRequest('Recipient address required');
    if (recipients.length > MAX_RECIPIENTS) throw errors.badRequest('Too many recipients');
    const overLimit = chargeDailySend(ctx, mb);
    mb.sent.push(raw);
    // Without a threadId, or when the headers or subject disagree, Gmail starts a new thread.
    const requested = Buffer.isBuffer(req.body)
      ? undefined
      : (req.body as { threadId?: string } | undefined)?.threadId;
    const threadId = requested
      ? agreedThread(store, mb, headers, requested)
      : randomBytes(8).toString('hex');
    // The sender's copy keeps its Bcc (bcc.ts); what recipients get goes without it.
    const stored = withMessageId(raw, headers);
    const m = store.insert(mb, stored, { labelIds: ['SENT'], threadId });
    if (overLimit) {
      // Accepted, then bounced: the notification threads with the mail it reports on.
      const sentHeaders = splitHeaderBlock(stored).headers;
      store.insert(mb, sendingLimitBounce(mb.email, sentHeaders, recipients), {
        labelIds: ['INBOX', 'UNREAD'],
        threadId: m.threadId,
      });
    }
    // The recipients' servers and people answer later (remote-recipients.ts).
    const delivered = splitHeaderBlock(withoutBcc(stored)).headers;
    ctx.recipients.answer(store, mb, delivered, recipients, m.threadId);
    // Gmail stored and sent the mail; the answer is lost on the way (a dropped connection, a
    // proxy's timeout): the client cannot tell whether it went.
    const drop = ctx.faults.send_drop_after_store ?? 0;
    if (drop > 0 && ctx.random() < drop) {
      req.socket.destroy();
      return;
    }
    res.json({ id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] });
  });
  router.post(`${base}/messages/send`, json, send);
  router.post(`/upload${base}/messages/send`, media, send);
  return router;
}

/**
 * Counts one send against the rolling day. Past `send_daily_limit`, the next `send_limit_grace`
 * sends are accepted and bounce (returns true); after those Gmail refuses with a retry time hours
 * away, in the words Gmail uses ("User-rate limit exceeded.  Retry after … (Mail sending)").
 */
function chargeDailySend(ctx: SimContext, mb: SimMailbox): boolean {
  const limit = ctx.faults.send_daily_limit ?? DAILY_SEND_LIMIT;
  const grace = ctx.faults.send_limit_grace ?? 0;
  const now = Date.now();
  mb.sendLog = mb.sendLog.filter((t) => t > now - DAY_MS);
  if (mb.sendLog.length >= limit + grace) {
    // Sending resumes once enough of the day's sends have aged out to be under the limit.
    const oldest = mb.sendLog[Math.max(0, mb.sendLog.length - limit)] ?? now;
    const retry = new Date(oldest + DAY_MS).toISOString();
    throw new GmailError(
      429,
      `User-rate limit exceeded.  Retry after ${retry} (Mail sending)`,
      'rateLimitExceeded',
      'RESOURCE_EXHAUSTED',
      'usageLimits',
    );
  }
  mb.sendLog.push(now);
  return mb.sendLog.length > limit;
}

/**
 * The requested thread when Gmail would put the message there: its In-Reply-To/References name a
 * message of that thread and the subjects agree
 * (https://developers.google.com/gmail/api/guides/threads#adding_drafts_and_messages_to_threads);
 * else a new thread.
 */
function agreedThread(
  store: GmailStore,
  mb: SimMailbox,
  headers: Header[],
  requested: string,
): string {
  return store.threadFor(mb, headers) === requested ? requested : randomBytes(8).toString('hex');
}

/**
 * The mail's internalDate: its Date header (`dateHeader`, import's default) or the time Gmail got
 * it (`receivedTime`, insert's default); a Date header Gmail cannot read falls back to the latter
 * (https://developers.google.com/gmail/api/reference/rest/v1/users.messages/import).
 */
function internalDateOf(
  headers: Header[],
  method: 'messages.insert' | 'messages.import',
  asked: unknown,
): number {
  const source = asked ?? (method === 'messages.import' ? 'dateHeader' : 'receivedTime');
  if (source !== 'dateHeader') return Date.now();
  const dated = Date.parse(headerValue(headers, 'Date') ?? '');
  return Number.isNaN(dated) ? Date.now() : dated;
}

function rawFromRequest(req: Request): Buffer {
  if (Buffer.isBuffer(req.body)) return req.body;
  const raw = (req.body as { raw?: string } | undefined)?.raw;
  if (!raw)
    throw errors.badRequest(
      "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
    );
  return Buffer.from(raw, 'base64url');
}

/** Gmail gives mail sent without a Message-ID one of its own, as replies will reference it. */
function withMessageId(raw: Buffer, headers: Header[]): Buffer {
  if (headerValue(headers, 'Message-ID')) return raw;
  const id = `<${randomBytes(16).toString('hex')}@mail.gmail.com>`;
  return Buffer.concat([Buffer.from(`Message-ID: ${id}\r\n`), raw]);
}
