// users.messages read methods (https://developers.google.com/gmail/api/reference/rest/v1/users.messages):
// list (with Gmail's search language, which may lag the mailbox), get and attachments.get.
import { Router } from 'express';
import type { SimContext } from './context.ts';
import {
  base,
  type Call,
  errors,
  GmailError,
  listParam,
  messageOr404,
  READ_SCOPES,
} from './gmail-call.ts';
import { formatMessage } from './gmail-format.ts';
import type { StoredMessage } from './gmail-store.ts';
import { compileQuery, MAX_QUERY_CHARS } from './query.ts';
import { lagOf, listed } from './search-faults.ts';

export function messagesRouter(ctx: SimContext, call: Call): Router {
  const router = Router();

  router.get(
    `${base}/messages`,
    call('messages.list', READ_SCOPES, (req, res) => {
      const q = String(req.query.q ?? '');
      if (q.length > (ctx.faults.max_query_chars ?? MAX_QUERY_CHARS))
        throw errors.badRequest('Invalid query');
      const labelIds = listParam(req.query.labelIds);
      const includeSpamTrash = req.query.includeSpamTrash === 'true';
      const maxResults = Math.min(500, Math.max(1, Number(req.query.maxResults ?? 100)));
      const offset = Number(req.query.pageToken ?? 0) || 0;
      const compiled = compileQuery(q);
      // Search runs on an index that trails the mailbox (`search_lag_ms`, each message its own
      // lag: search-faults.ts); listing without `q` reads the mailbox itself and is current.
      const lag = q.trim() ? ctx.faults.search_lag_ms : undefined;
      const now = Date.now();
      const mb = res.locals.mailbox;
      const messages = mb.order.map((id) => mb.messages.get(id) as StoredMessage);
      const all = listed(messages, ctx.faults.list_order)
        .filter((m) => lag === undefined || m.arrivedAt + lagOf(lag, m.lagDraw) <= now)
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
      const m = messageOr404(ctx, res, String(req.params.id));
      if (ctx.faults.fail_message_ids?.includes(m.id)) {
        const code = ctx.faults.fail_message_code ?? 500;
        throw new GmailError(
          code,
          'Backend Error',
          code >= 500 ? 'backendError' : 'failedPrecondition',
          'INTERNAL',
        );
      }
      const format = String(req.query.format ?? 'full');
      res.json(formatMessage(m, format, listParam(req.query.metadataHeaders)));
    }),
  );

  router.get(
    `${base}/messages/:id/attachments/:attachmentId`,
    call('messages.attachments.get', READ_SCOPES, (req, res) => {
      const m = messageOr404(ctx, res, String(req.params.id));
      const data = m.attachments.get(String(req.params.attachmentId));
      if (!data) throw errors.notFound();
      res.json({
        attachmentId: req.params.attachmentId,
        size: data.length,
        data: data.toString('base64url'),
      });
    }),
  );

  return router;
}
