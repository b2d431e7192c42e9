// users.watch and users.stop (https://developers.google.com/gmail/api/guides/push): a watch
// publishes to a Pub/Sub topic of the caller's own project, and only when the topic lets Gmail's
// push service account publish; Gmail checks by sending a test message, and says so when it fails.
import express, { Router } from 'express';
import type { SimContext } from './context.ts';
import { base, type Call, GmailError, READ_SCOPES } from './gmail-call.ts';
import type { GmailStore } from './gmail-store.ts';

/** Gmail publishes as this account; the topic must grant it roles/pubsub.publisher. */
export const GMAIL_PUSH_MEMBER = 'serviceAccount:gmail-api-push@system.gserviceaccount.com';
const WATCH_LIFETIME_MS = 7 * 86_400_000;
/** After stop, notifications already on their way still arrive for a while. */
export const STOP_TRAIL_MS = 5_000;

export function watchRouter(ctx: SimContext, store: GmailStore, call: Call): Router {
  const router = Router();
  router.post(
    `${base}/watch`,
    express.json(),
    call('watch', READ_SCOPES, (req, res) => {
      const body = (req.body ?? {}) as {
        topicName?: string;
        labelIds?: string[];
        labelFilterBehavior?: string;
        labelFilterAction?: string;
      };
      const topic = body.topicName ?? '';
      if (!topic)
        throw new GmailError(400, 'topicName required', 'invalidArgument', 'INVALID_ARGUMENT');
      const project = /^projects\/([^/]+)\/topics\/[^/]+$/.exec(topic)?.[1];
      if (project !== ctx.project) {
        throw new GmailError(
          400,
          `Invalid topicName does not match projects/${ctx.project}/topics/*`,
          'invalidArgument',
          'INVALID_ARGUMENT',
        );
      }
      const testMessage = `Error sending test message to Cloud PubSub ${topic} : `;
      if (!ctx.topicExists(topic)) {
        const id = topic.split('/').pop();
        throw new GmailError(
          404,
          `${testMessage}Resource not found (resource=${id}).`,
          'notFound',
          'NOT_FOUND',
        );
      }
      if (!ctx.hasRole(topic, 'roles/pubsub.publisher', GMAIL_PUSH_MEMBER)) {
        throw new GmailError(
          403,
          `${testMessage}User not authorized to perform this action.`,
          'forbidden',
          'PERMISSION_DENIED',
        );
      }
      const mb = res.locals.mailbox;
      const expiration = Date.now() + WATCH_LIFETIME_MS;
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
      mb.stoppedWatch = undefined;
      res.json({ historyId: String(store.currentHistoryId()), expiration: String(expiration) });
    }),
  );

  router.post(
    `${base}/stop`,
    call('stop', READ_SCOPES, (_req, res) => {
      const mb = res.locals.mailbox;
      if (mb.watch) mb.stoppedWatch = { watch: mb.watch, until: Date.now() + STOP_TRAIL_MS };
      mb.watch = undefined;
      res.status(204).end();
    }),
  );
  return router;
}
