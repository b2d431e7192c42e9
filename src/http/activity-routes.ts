// One activity: read it with its bodies (`?full=1`: the whole text from Gmail), download an
// attachment from Gmail, hide its content (owner), delete it for good (owner or admin); and a
// thread's activities. Every route needs a CRM token and is scoped to the caller's org.
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { deleteActivity, makeActivityPrivate } from '../activities/activity-privacy.ts';
import { downloadAttachment } from '../activities/attachment-download.ts';
import { getActivity } from '../activities/get-activity.ts';
import { listThread } from '../activities/list-thread.ts';
import type { Deps } from '../deps.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { requireCaller, type VerifyCaller } from './crm-auth.ts';
import { limitPerUser } from './user-rate-limit.ts';
import { parseInput } from './validate.ts';

export const activityParams = z.object({ id: z.uuid() });
export const attachmentParams = z.object({
  id: z.uuid(),
  n: z.coerce.number().int().min(0).max(1999),
});
export const activityQuery = z.object({ full: z.enum(['0', '1', 'true', 'false']).optional() });
export const threadParams = z.object({ thread_id: z.string().min(1).max(200) });

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;
/**
 * Reads from Gmail on a caller's behalf (an attachment, `?full=1`) spend the mailbox owner's
 * quota (20 units each, 40 with an attachment), whoever the caller is: per (org, user) and per
 * process, 30 at once, then one every 2 s (issue 27 #10: 200 downloads by a colleague cost the
 * owner 8,000 units).
 */
const GMAIL_READ_RATE = { burst: 30, perMinute: 30 };

export function activityRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const auth = requireCaller(verifyCaller);
  const source = { db: deps.database.db, mailboxAuth: deps.mailboxAuth, pacers: deps.pacers };
  const gmailReads = limitPerUser('Gmail reads', GMAIL_READ_RATE);
  /** `?full=1` reads from Gmail; the stored activity does not. */
  const gmailReadsWhenFull = (req: Request, res: Response, next: NextFunction) =>
    parseInput(activityQuery, req.query, 'query').full?.match(/^(1|true)$/)
      ? gmailReads(req, res, next)
      : next();

  router.get('/activities/:id', auth, gmailReadsWhenFull, async (req, res) => {
    const { id } = parseInput(activityParams, req.params, 'path');
    const { full } = parseInput(activityQuery, req.query, 'query');
    const isFull = full === '1' || full === 'true';
    res.json(await getActivity(source, res.locals.caller, id, { full: isFull }));
  });

  router.get('/activities/:id/attachments/:n', auth, gmailReads, async (req, res) => {
    const { id, n } = parseInput(attachmentParams, req.params, 'path');
    const file = await downloadAttachment(source, res.locals.caller, id, n);
    const type = MEDIA_TYPE.test(file.contentType) ? file.contentType : 'application/octet-stream';
    res.set({
      'Content-Type': type,
      'Content-Length': String(file.bytes.length),
      'Content-Disposition': attachmentDisposition(file.filename),
      'X-Content-Type-Options': 'nosniff',
      // The bytes are the sender's: never run them as a page of ours, never keep them in caches.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'no-store',
    });
    res.end(file.bytes);
  });

  router.post('/activities/:id/private', auth, async (req, res) => {
    const { id } = parseInput(activityParams, req.params, 'path');
    res.json(await makeActivityPrivate(deps.database.db, res.locals.caller, id));
  });

  router.delete('/activities/:id', auth, async (req, res) => {
    const { id } = parseInput(activityParams, req.params, 'path');
    res.json(await deleteActivity(deps.database.db, res.locals.caller, id));
  });

  router.get('/threads/:thread_id', auth, async (req, res) => {
    const { thread_id } = parseInput(threadParams, req.params, 'path');
    res.json(await listThread(deps.database.db, res.locals.caller, thread_id));
  });

  return router;
}
