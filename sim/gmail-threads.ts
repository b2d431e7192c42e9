// users.threads.get (https://developers.google.com/gmail/api/reference/rest/v1/users.threads/get).
import { Router } from 'express';
import { base, type Call, errors, READ_SCOPES } from './gmail-call.ts';
import { formatMessage } from './gmail-format.ts';
import type { StoredMessage } from './gmail-store.ts';

export function threadsRouter(call: Call): Router {
  const router = Router();
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
  return router;
}
