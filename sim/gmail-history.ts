// users.history.list (https://developers.google.com/gmail/api/reference/rest/v1/users.history/list):
// the records after `startHistoryId`, filtered by `historyTypes` and `labelId`, in pages; 404 once
// the start is older than the retained history. A record written less than `history_lag_ms` ago is
// not listed yet (its push may already have gone out), and the answer's `historyId` stays below it,
// so a client that moves its cursor to that id misses nothing.
import { Router } from 'express';
import type { SimContext } from './context.ts';
import { base, type Call, errors, listParam, READ_SCOPES } from './gmail-call.ts';
import type { GmailStore, HistoryRecord } from './gmail-store.ts';

const TYPES = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'] as const;
type HistoryType = (typeof TYPES)[number];

export function historyRouter(ctx: SimContext, store: GmailStore, call: Call): Router {
  const router = Router();
  router.get(
    `${base}/history`,
    call('history.list', READ_SCOPES, (req, res) => {
      const mb = res.locals.mailbox;
      const start = Number(req.query.startHistoryId);
      if (!req.query.startHistoryId || !Number.isFinite(start))
        throw errors.badRequest('Missing startHistoryId');
      if (start < mb.historyFloor) throw errors.notFound();
      const asked = listParam(req.query.historyTypes);
      const types = (asked.length ? asked : TYPES).filter((t): t is HistoryType =>
        (TYPES as readonly string[]).includes(t),
      );
      const labelId = req.query.labelId as string | undefined;
      const maxResults = Math.min(500, Math.max(1, Number(req.query.maxResults ?? 100)));
      const offset = Number(req.query.pageToken ?? 0) || 0;
      const lag = ctx.faults.history_lag_ms ?? 0;
      const writtenBefore = Date.now() - lag;
      const unlisted = lag > 0 ? mb.history.find((r) => r.writtenAt > writtenBefore) : undefined;
      const records = mb.history
        .filter((r) => r.id > start && (!unlisted || r.id < unlisted.id))
        .map((r) => entry(r, types))
        .filter((e): e is Entry => e !== undefined)
        .filter((e) => !labelId || e.labels.has(labelId))
        .map((e) => e.json);
      const page = records.slice(offset, offset + maxResults);
      res.json({
        ...(page.length ? { history: page } : {}),
        ...(offset + maxResults < records.length
          ? { nextPageToken: String(offset + maxResults) }
          : {}),
        historyId: String(unlisted ? Math.max(start, unlisted.id - 1) : store.currentHistoryId()),
      });
    }),
  );
  return router;
}

interface Entry {
  json: Record<string, unknown>;
  /** Every label the record touches, for the `labelId` filter. */
  labels: Set<string>;
}

/** A record as Gmail lists it, holding only the kinds asked for; undefined when none is left. */
function entry(r: HistoryRecord, types: HistoryType[]): Entry | undefined {
  const message = { id: r.messageId, threadId: r.threadId, labelIds: r.labelIds };
  const json: Record<string, unknown> = { id: String(r.id), messages: [message] };
  if (r.kind === 'messageAdded' && types.includes('messageAdded'))
    json.messagesAdded = [{ message }];
  // A deleted message has no labels left to show.
  if (r.kind === 'messageDeleted' && types.includes('messageDeleted')) {
    json.messages = [{ id: r.messageId, threadId: r.threadId }];
    json.messagesDeleted = [{ message: { id: r.messageId, threadId: r.threadId } }];
  }
  if (r.added.length > 0 && types.includes('labelAdded'))
    json.labelsAdded = [{ message, labelIds: r.added }];
  if (r.removed.length > 0 && types.includes('labelRemoved'))
    json.labelsRemoved = [{ message, labelIds: r.removed }];
  if (Object.keys(json).length === 2) return undefined;
  return { json, labels: new Set([...r.labelIds, ...r.removed]) };
}
