// Gmail REST v1 (https://developers.google.com/gmail/api/reference/rest) over the in-memory store:
// every call is authenticated, scope-checked, charged to the user's quota and subject to faults.
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { SimContext } from './context.ts';
import type { GmailStore, SimMailbox, StoredMessage } from './gmail-store.ts';
import { headerValue, splitHeaderBlock } from './mime.ts';
import { compileQuery } from './query.ts';
import type { Quota } from './quota.ts';

const READ_SCOPES = ['gmail.readonly', 'gmail.modify', 'gmail.metadata', 'mail.google.com'];
const SEND_SCOPES = ['gmail.send', 'gmail.compose', 'gmail.modify', 'mail.google.com'];
const INSERT_SCOPES = ['gmail.insert', 'gmail.modify', 'mail.google.com'];
const MAX_RECIPIENTS = 100;

export class GmailError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: string;
  constructor(code: number, message: string, reason: string, status: string) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
}

const errors = {
  notFound: () => new GmailError(404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND'),
  badRequest: (m: string) => new GmailError(400, m, 'invalidArgument', 'INVALID_ARGUMENT'),
  forbidden: (m: string, reason = 'forbidden') =>
    new GmailError(403, m, reason, 'PERMISSION_DENIED'),
};

export function sendGmailError(res: Response, e: GmailError): void {
  res.status(e.code).json({
    error: {
      code: e.code,
      message: e.message,
      errors: [{ message: e.message, domain: 'global', reason: e.reason }],
      status: e.status,
    },
  });
}

declare module 'express-serve-static-core' {
  interface Locals {
    mailbox: SimMailbox;
  }
}

export function gmailRouter(ctx: SimContext, store: GmailStore, quota: Quota): Router {
  const router = Router();
  const json = express.json({ limit: '50mb' });

  /** Auth, scope, quota and faults, in the order Google applies them. */
  const call =
    (
      method: string,
      scopes: string[],
      handler: (req: Request, res: Response) => void | Promise<void>,
    ) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        ctx.stats.calls[method] = (ctx.stats.calls[method] ?? 0) + 1;
        const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
        const info = token ? ctx.lookupAccessToken(token) : undefined;
        if (!info) {
          throw new GmailError(
            401,
            'Request had invalid authentication credentials.',
            'authError',
            'UNAUTHENTICATED',
          );
        }
        const user = ctx.stats.users[info.email] ?? { calls: {}, rate_limited: 0 };
        ctx.stats.users[info.email] = user;
        user.calls[method] = (user.calls[method] ?? 0) + 1;
        const userId = String(req.params.userId ?? 'me').toLowerCase();
        if (userId !== 'me' && userId !== info.email)
          throw errors.forbidden(`Delegation denied for ${info.email}`);
        if (!info.scopes.some((s) => scopes.some((need) => s.endsWith(need)))) {
          throw errors.forbidden(
            'Request had insufficient authentication scopes.',
            'insufficientPermissions',
          );
        }
        const faults = ctx.faults;
        if (faults.latency_ms) await new Promise((r) => setTimeout(r, faults.latency_ms));
        if (faults.error_rate && ctx.random() < faults.error_rate) {
          const codes = faults.error_codes?.length ? faults.error_codes : [500];
          const code = codes[Math.floor(ctx.random() * codes.length)] ?? 500;
          throw code === 429
            ? new GmailError(429, 'Rate Limit Exceeded', 'rateLimitExceeded', 'RESOURCE_EXHAUSTED')
            : code === 503
              ? new GmailError(
                  503,
                  'The service is currently unavailable.',
                  'backendError',
                  'UNAVAILABLE',
                )
              : new GmailError(code, 'Backend Error', 'backendError', 'INTERNAL');
        }
        const verdict = quota.charge(info.email, method);
        if (!verdict.ok) {
          ctx.stats.rate_limited += 1;
          user.rate_limited += 1;
          res.status(verdict.status).json(verdict.body);
          return;
        }
        res.locals.mailbox = store.ensure(info.email);
        await handler(req, res);
      } catch (error) {
        if (error instanceof GmailError) sendGmailError(res, error);
        else next(error);
      }
    };

  const base = '/gmail/v1/users/:userId';
  const message = (res: Response, id: string): StoredMessage => {
    const m = res.locals.mailbox.messages.get(id);
    if (!m) throw errors.notFound();
    return m;
  };

  router.get(
    `${base}/profile`,
    call('getProfile', READ_SCOPES, (_req, res) => {
      const mb = res.locals.mailbox;
      res.json({
        emailAddress: mb.email,
        messagesTotal: mb.messages.size,
        threadsTotal: new Set([...mb.messages.values()].map((m) => m.threadId)).size,
        historyId: String(store.currentHistoryId()),
      });
    }),
  );

  router.get(
    `${base}/labels`,
    call('labels.list', READ_SCOPES, (_req, res) => {
      res.json({
        labels: store
          .labels(res.locals.mailbox)
          .map((id) => ({ id, name: id, type: /^[A-Z_]+$/.test(id) ? 'system' : 'user' })),
      });
    }),
  );

  router.get(
    `${base}/messages`,
    call('messages.list', READ_SCOPES, (req, res) => {
      const q = String(req.query.q ?? '');
      const labelIds = ([] as string[]).concat(
        (req.query.labelIds as string | string[] | undefined) ?? [],
      );
      const includeSpamTrash = req.query.includeSpamTrash === 'true';
      const maxResults = Math.min(500, Math.max(1, Number(req.query.maxResults ?? 100)));
      const offset = Number(req.query.pageToken ?? 0) || 0;
      const compiled = compileQuery(q);
      const mb = res.locals.mailbox;
      const all = [...mb.order]
        .reverse()
        .map((id) => mb.messages.get(id) as StoredMessage)
        .filter(
          (m) =>
            includeSpamTrash ||
            compiled.mentionsSpamOrTrash ||
            !(m.labelIds.has('SPAM') || m.labelIds.has('TRASH')),
        )
        .filter((m) => labelIds.every((l) => m.labelIds.has(l)))
        .filter((m) => compiled.match(m));
      const page = all.slice(offset, offset + maxResults);
      res.json({
        ...(page.length ? { messages: page.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
        ...(offset + maxResults < all.length ? { nextPageToken: String(offset + maxResults) } : {}),
        resultSizeEstimate: all.length,
      });
    }),
  );

  router.get(
    `${base}/messages/:id`,
    call('messages.get', READ_SCOPES, (req, res) => {
      const m = message(res, String(req.params.id));
      if (ctx.faults.fail_message_ids?.includes(m.id)) {
        const code = ctx.faults.fail_message_code ?? 500;
        throw new GmailError(
          code,
          'Backend Error',
          code >= 500 ? 'backendError' : 'failedPrecondition',
          'INTERNAL',
        );
      }
      const headers = ([] as string[]).concat(
        (req.query.metadataHeaders as string | string[] | undefined) ?? [],
      );
      res.json(formatMessage(m, String(req.query.format ?? 'full'), headers));
    }),
  );

  router.get(
    `${base}/messages/:id/attachments/:attachmentId`,
    call('messages.attachments.get', READ_SCOPES, (req, res) => {
      const m = message(res, String(req.params.id));
      const data = m.attachments.get(String(req.params.attachmentId));
      if (!data) throw errors.notFound();
      res.json({
        attachmentId: req.params.attachmentId,
        size: data.length,
        data: data.toString('base64url'),
      });
    }),
  );

  router.get(
    `${base}/threads/:id`,
    call('threads.get', READ_SCOPES, (req, res) => {
      const mb = res.locals.mailbox;
      const messages = mb.order
        .map((id) => mb.messages.get(id) as StoredMessage)
        .filter((m) => m.threadId === req.params.id);
      if (messages.length === 0) throw errors.notFound();
      const format = String(req.query.format ?? 'full');
      res.json({
        id: req.params.id,
        historyId: String(Math.max(...messages.map((m) => m.historyId))),
        messages: messages.map((m) => formatMessage(m, format, [])),
      });
    }),
  );

  router.get(
    `${base}/history`,
    call('history.list', READ_SCOPES, (req, res) => {
      const mb = res.locals.mailbox;
      const start = Number(req.query.startHistoryId);
      if (!req.query.startHistoryId || !Number.isFinite(start))
        throw errors.badRequest('Missing startHistoryId');
      if (start < mb.historyFloor) throw errors.notFound();
      const types = ([] as string[]).concat(
        (req.query.historyTypes as string | string[] | undefined) ?? [],
      );
      const labelId = req.query.labelId as string | undefined;
      const maxResults = Math.min(500, Math.max(1, Number(req.query.maxResults ?? 100)));
      const offset = Number(req.query.pageToken ?? 0) || 0;
      const records = mb.history
        .filter((r) => r.id > start)
        .filter((r) => types.length === 0 || types.includes(r.kind))
        .filter(
          (r) =>
            !labelId ||
            r.labelIds.includes(labelId) ||
            mb.messages.get(r.messageId)?.labelIds.has(labelId),
        );
      const page = records.slice(offset, offset + maxResults);
      res.json({
        ...(page.length ? { history: page.map((r) => historyRecord(mb, r)) } : {}),
        ...(offset + maxResults < records.length
          ? { nextPageToken: String(offset + maxResults) }
          : {}),
        historyId: String(store.currentHistoryId()),
      });
    }),
  );

  const insertLike = (method: 'messages.insert' | 'messages.import') =>
    call(method, INSERT_SCOPES, (req, res) => {
      const raw = rawFromRequest(req);
      const labelIds = (req.body as { labelIds?: string[] } | undefined)?.labelIds ?? [];
      const m = store.insert(res.locals.mailbox, raw, {
        labelIds,
        threadId: (req.body as { threadId?: string })?.threadId,
      });
      res.json({ id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] });
    });
  router.post(`${base}/messages`, json, insertLike('messages.insert'));
  router.post(`${base}/messages/import`, json, insertLike('messages.import'));
  router.post(
    `/upload${base}/messages`,
    express.raw({ type: () => true, limit: '50mb' }),
    insertLike('messages.insert'),
  );

  const send = call('messages.send', SEND_SCOPES, (req, res) => {
    const mb = res.locals.mailbox;
    const raw = rawFromRequest(req);
    const { headers } = splitHeaderBlock(raw);
    const recipients = ['To', 'Cc', 'Bcc']
      .flatMap((h) => (headerValue(headers, h) ?? '').split(','))
      .filter((a) => a.includes('@'));
    if (recipients.length === 0) throw errors.badRequest('Recipient address required');
    if (recipients.length > MAX_RECIPIENTS) throw errors.badRequest('Too many recipients');
    const sending = quota.chargeSend(mb.email);
    if (!sending.ok) {
      res.status(sending.status).json(sending.body);
      return;
    }
    mb.sent.push(raw);
    // Gmail keeps Bcc out of what recipients see but the sender's copy is stored as sent.
    const requested = (req.body as { threadId?: string } | undefined)?.threadId;
    // Without a threadId, or when the headers or subject disagree, Gmail starts a new thread.
    const threadId =
      requested && store.threadFor(mb, headers) === requested
        ? requested
        : randomBytes(8).toString('hex');
    const m = store.insert(mb, stripBcc(raw), { labelIds: ['SENT'], threadId });
    res.json({ id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] });
  });
  router.post(`${base}/messages/send`, json, send);
  router.post(
    `/upload${base}/messages/send`,
    express.raw({ type: () => true, limit: '50mb' }),
    send,
  );

  router.post(
    `${base}/watch`,
    json,
    call('watch', READ_SCOPES, (req, res) => {
      const body = (req.body ?? {}) as {
        topicName?: string;
        labelIds?: string[];
        labelFilterBehavior?: string;
        labelFilterAction?: string;
      };
      const topic = body.topicName ?? '';
      const project = /^projects\/([^/]+)\/topics\/[^/]+$/.exec(topic)?.[1];
      if (!project) throw errors.badRequest('Invalid topicName');
      if (project !== ctx.project) {
        throw errors.forbidden(`Invalid topicName does not match projects/${ctx.project}/topics/*`);
      }
      if (!ctx.topicExists(topic)) throw errors.notFound();
      const mb = res.locals.mailbox;
      const expiration = Date.now() + 7 * 86_400_000;
      const behavior = (
        body.labelFilterBehavior ??
        body.labelFilterAction ??
        'include'
      ).toLowerCase();
      mb.watch = {
        topicName: topic,
        labelIds: body.labelIds ?? [],
        filter: behavior === 'exclude' ? 'exclude' : 'include',
        expiration,
        historyId: store.currentHistoryId(),
      };
      res.json({ historyId: String(store.currentHistoryId()), expiration: String(expiration) });
    }),
  );

  router.post(
    `${base}/stop`,
    call('stop', READ_SCOPES, (_req, res) => {
      res.locals.mailbox.watch = undefined;
      res.status(204).end();
    }),
  );

  return router;
}

function historyRecord(
  mb: SimMailbox,
  r: { id: number; kind: string; messageId: string; labelIds: string[] },
) {
  const m = mb.messages.get(r.messageId);
  const ref = {
    id: r.messageId,
    threadId: m?.threadId ?? r.messageId,
    labelIds: m ? [...m.labelIds] : r.labelIds,
  };
  const entry: Record<string, unknown> = { id: String(r.id), messages: [ref] };
  if (r.kind === 'messageAdded') entry.messagesAdded = [{ message: ref }];
  if (r.kind === 'messageDeleted') entry.messagesDeleted = [{ message: ref }];
  if (r.kind === 'labelAdded') entry.labelsAdded = [{ message: ref, labelIds: r.labelIds }];
  if (r.kind === 'labelRemoved') entry.labelsRemoved = [{ message: ref, labelIds: r.labelIds }];
  return entry;
}

export function formatMessage(m: StoredMessage, format: string, metadataHeaders: string[]) {
  const base = {
    id: m.id,
    threadId: m.threadId,
    labelIds: [...m.labelIds],
    snippet: m.snippet,
    sizeEstimate: m.sizeEstimate,
    historyId: String(m.historyId),
    internalDate: String(m.internalDate),
  };
  if (format === 'minimal') return base;
  if (format === 'raw') return { ...base, raw: m.raw.toString('base64url') };
  if (format === 'metadata') {
    const wanted = metadataHeaders.map((h) => h.toLowerCase());
    const headers = wanted.length
      ? m.payload.headers.filter((h) => wanted.includes(h.name.toLowerCase()))
      : m.payload.headers;
    return { ...base, payload: { mimeType: m.payload.mimeType, headers } };
  }
  return { ...base, payload: m.payload };
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

function stripBcc(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return raw;
  const head = text.slice(0, end).replace(/^Bcc:.*(\r?\n[ \t].*)*\r?\n?/gim, '');
  return Buffer.from(head + text.slice(end), 'latin1');
}
