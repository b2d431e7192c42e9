// users.getProfile and users.labels.list
// (https://developers.google.com/gmail/api/reference/rest/v1/users/getProfile, …/users.labels/list).
import { Router } from 'express';
import { base, type Call, READ_SCOPES } from './gmail-call.ts';
import type { GmailStore } from './gmail-store.ts';

export function profileRouter(store: GmailStore, call: Call): Router {
  const router = Router();
  router.get(
    `${base}/profile`,
    call('getProfile', READ_SCOPES, (_req, res) => {
      const mb = res.locals.mailbox;
      res.json({
        emailAddress: mb.email,
        messagesTotal: mb.messages.size,
        threadsTotal: new Set([...mb.messages.values()].map((m) => m.threadId)).size,
        historyId: String(store.historyIdOf(mb)),
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
  return router;
}
