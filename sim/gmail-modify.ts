// users.messages modify, batchModify, trash, untrash and delete
// (https://developers.google.com/gmail/api/reference/rest/v1/users.messages): label changes that
// write labelsAdded/labelsRemoved history, and permanent deletion (messagesDeleted), which needs
// full mail access.
import express, { Router } from 'express';
import type { SimContext } from './context.ts';
import {
  base,
  type Call,
  DELETE_SCOPES,
  errors,
  MODIFY_SCOPES,
  messageOr404,
} from './gmail-call.ts';
import { labelsView } from './gmail-format.ts';
import { type GmailStore, type SimMailbox, SYSTEM_LABELS } from './gmail-store.ts';

interface ModifyBody {
  ids?: string[];
  addLabelIds?: string[];
  removeLabelIds?: string[];
}

export function modifyRouter(ctx: SimContext, store: GmailStore, call: Call): Router {
  const router = Router();
  const json = express.json();

  /** Gmail refuses a label the mailbox does not have ("Invalid label: X"). */
  const checkLabels = (mb: SimMailbox, ids: string[]) => {
    const known = new Set([...SYSTEM_LABELS, ...store.labels(mb)]);
    const bad = ids.find((l) => !known.has(l) && !/^Label_\d+$/.test(l));
    if (bad !== undefined) throw errors.badRequest(`Invalid label: ${bad}`);
  };

  router.post(
    `${base}/messages/:id/modify`,
    json,
    call('messages.modify', MODIFY_SCOPES, (req, res) => {
      const mb = res.locals.mailbox;
      const m = messageOr404(ctx, res, String(req.params.id));
      const body = (req.body ?? {}) as ModifyBody;
      checkLabels(mb, [...(body.addLabelIds ?? []), ...(body.removeLabelIds ?? [])]);
      store.modifyLabels(mb, m, body.addLabelIds ?? [], body.removeLabelIds ?? []);
      res.json(labelsView(m));
    }),
  );

  router.post(
    `${base}/messages/batchModify`,
    json,
    call('messages.batchModify', MODIFY_SCOPES, (req, res) => {
      const mb = res.locals.mailbox;
      const body = (req.body ?? {}) as ModifyBody;
      if (!body.ids?.length) throw errors.badRequest('No message ids specified.');
      checkLabels(mb, [...(body.addLabelIds ?? []), ...(body.removeLabelIds ?? [])]);
      // Ids the mailbox does not hold are skipped, as Gmail's batch methods do.
      for (const id of body.ids) {
        const m = mb.messages.get(id);
        if (m) store.modifyLabels(mb, m, body.addLabelIds ?? [], body.removeLabelIds ?? []);
      }
      res.status(204).end();
    }),
  );

  router.post(
    `${base}/messages/:id/trash`,
    call('messages.trash', MODIFY_SCOPES, (req, res) => {
      const m = messageOr404(ctx, res, String(req.params.id));
      store.trash(res.locals.mailbox, m);
      res.json(labelsView(m));
    }),
  );

  router.post(
    `${base}/messages/:id/untrash`,
    call('messages.untrash', MODIFY_SCOPES, (req, res) => {
      const m = messageOr404(ctx, res, String(req.params.id));
      store.untrash(res.locals.mailbox, m);
      res.json(labelsView(m));
    }),
  );

  router.delete(
    `${base}/messages/:id`,
    call('messages.delete', DELETE_SCOPES, (req, res) => {
      const m = messageOr404(ctx, res, String(req.params.id));
      store.delete(res.locals.mailbox, m);
      res.status(204).end();
    }),
  );

  return router;
}
