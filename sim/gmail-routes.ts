// Gmail REST v1 (https://developers.google.com/gmail/api/reference/rest) over the in-memory store,
// a module per resource as Google's reference groups them; every call goes through gmail-call.ts.
import { Router } from 'express';
import type { SimContext } from './context.ts';
import { makeCall } from './gmail-call.ts';
import { historyRouter } from './gmail-history.ts';
import { messagesRouter } from './gmail-messages.ts';
import { modifyRouter } from './gmail-modify.ts';
import { profileRouter } from './gmail-profile.ts';
import { sendRouter } from './gmail-send.ts';
import { settingsRouter } from './gmail-settings.ts';
import type { GmailStore } from './gmail-store.ts';
import { threadsRouter } from './gmail-threads.ts';
import { watchRouter } from './gmail-watch.ts';
import type { Quota } from './quota.ts';

export function gmailRouter(ctx: SimContext, store: GmailStore, quota: Quota): Router {
  const call = makeCall(ctx, store, quota);
  const router = Router();
  router.use(profileRouter(store, call));
  router.use(sendRouter(ctx, store, call));
  router.use(modifyRouter(ctx, store, call));
  router.use(messagesRouter(ctx, call));
  router.use(threadsRouter(call));
  router.use(historyRouter(ctx, store, call));
  router.use(watchRouter(ctx, store, call));
  router.use(settingsRouter(call));
  return router;
}
