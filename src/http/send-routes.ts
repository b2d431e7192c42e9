// POST /integrations/gmail/send: mail sent as the user through their Gmail, idempotent by key.
import { createHash } from 'node:crypto';
import { type NextFunction, type Request, type Response, Router } from 'express';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { z } from 'zod';
import { AppError } from '../app-error.ts';
import { ENTITY_TYPES } from '../crm/link-entities.ts';
import type { Deps } from '../deps.ts';
import { isMemberOfAny } from '../mailbox/mailbox-members.ts';
import { findMailboxForUser } from '../mailbox/mailbox-store.ts';
import { scheduleMail } from '../scheduled/schedule-mail.ts';
import { sendingDeps } from '../scheduled/scheduled-deps.ts';
import { withIdempotency } from '../send/idempotency.ts';
import { type SendRequest, sendMail } from '../send/send-mail.ts';
import { usableForSending } from '../send/sending-mailbox.ts';
import { admitBody, bodyBudgetForHeap, drainBeforeRefusal, makeBodyBudget } from './body-budget.ts';
import type { VerifyCaller } from './crm-auth.ts';
import { requireCaller } from './crm-auth.ts';
import { readJsonBody } from './json-body.ts';
import { limitPerUser } from './user-rate-limit.ts';
import { parseInput } from './validate.ts';

/** Gmail accepts messages up to 25 MB of attachments; base64 inflates them by a third. */
const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** The largest body: 25 MB of attachments in base64 (33.4 MB) and the bodies' own limits. */
export const MAX_SEND_BODY_BYTES = 40 * 1024 * 1024;
/**
 * Heap bytes one body byte may cost at the peak of a send. While JSON.parse runs, the JSON text and
 * the parsed value coexist (about 2); afterwards attachments live in Buffers outside the heap and
 * a new mail goes to Gmail as bytes. Measured on one 35 MB send (heap used, sampled each ms, in a
 * process started as the Dockerfile does): 35 MB idle, 66 MB at the peak (206 MB before). 3 leaves
 * room for what sampling misses: with the Dockerfile's --max-old-space-size=256 (V8 then reports a
 * 448 MB heap limit, half of it shared out) two largest sends are admitted at a time.
 */
const HEAP_BYTES_PER_BODY_BYTE = 3;
/** Per (org, user) and per process: a burst of 30 sends, then one a second. */
const SEND_RATE = { burst: 30, perMinute: 60 };

/** One RFC 5322 mailbox, display name allowed ("Ana Lima <ana@example.com>"); no CR/LF. */
const address = z
  .string()
  .min(3)
  .max(998)
  .refine((v) => !/[\r\n]/.test(v), 'must not contain line breaks')
  .refine((v) => {
    const parsed = addressparser(v, { flatten: true });
    return parsed.length === 1 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(parsed[0]?.address ?? '');
  }, 'must be one valid email address');

const attachment = z.object({
  filename: z
    .string()
    .min(1)
    .max(255)
    .refine((v) => !/[\r\n]/.test(v), 'must not contain line breaks'),
  content_type: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type such as application/pdf'),
  content_base64: z.string().regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64'),
});

export const sendBody = z
  .object({
    from: z.email().max(320).optional(),
    mailbox: z
      .email()
      .max(320)
      .optional()
      .describe('send from this mailbox of the org, one shared with the caller (or their own)'),
    to: z.array(address).min(1).max(100),
    cc: z.array(address).max(100).optional(),
    bcc: z.array(address).max(100).optional(),
    subject: z
      .string()
      .max(998)
      .refine((v) => !/[\r\n]/.test(v), 'must not contain line breaks'),
    text: z.string().max(5_000_000).optional(),
    html: z.string().max(10_000_000).optional(),
    reply_to_message_id: z
      .string()
      .regex(/^[0-9a-zA-Z_-]{1,64}$/, 'must be a Gmail message id')
      .optional(),
    attachments: z.array(attachment).max(100).optional(),
    entity_type: z.enum(ENTITY_TYPES).optional(),
    entity_id: z.uuid().optional(),
    list_unsubscribe: z
      .boolean()
      .optional()
      .describe(
        'adds RFC 8058 one-click unsubscribe (List-Unsubscribe, List-Unsubscribe-Post): one recipient only',
      ),
    send_at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        'RFC 3339, 1 minute to 30 days ahead: the mail is scheduled (202) instead of sent now',
      ),
  })
  .strict()
  .refine((b) => b.text !== undefined || b.html !== undefined, {
    message: 'text or html is required',
    path: ['text'],
  })
  .refine((b) => (b.entity_type === undefined) === (b.entity_id === undefined), {
    message: 'entity_type and entity_id go together',
    path: ['entity_id'],
  })
  .refine((b) => b.to.length + (b.cc?.length ?? 0) + (b.bcc?.length ?? 0) <= 100, {
    message: 'at most 100 recipients in all',
    path: ['to'],
  });

export type SendBody = z.infer<typeof sendBody>;

const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII');

export function sendRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const budget = makeBodyBudget(bodyBudgetForHeap(MAX_SEND_BODY_BYTES, HEAP_BYTES_PER_BODY_BYTE));
  router.post(
    '/integrations/gmail/send',
    // Everything that can refuse a caller runs before a byte of the body is read.
    requireCaller(verifyCaller),
    limitPerUser('send', SEND_RATE),
    requireSendingMailbox(deps),
    (req, _res, next) => {
      parseInput(idempotencyKey, req.get('idempotency-key'), 'Idempotency-Key');
      next();
    },
    admitBody(budget, MAX_SEND_BODY_BYTES),
    readJsonBody(MAX_SEND_BODY_BYTES),
    async (req, res) => {
      const key = parseInput(idempotencyKey, req.get('idempotency-key'), 'Idempotency-Key');
      const body = takeSendRequest(req);
      const caller = res.locals.caller;
      // A repeat under the same key replays the first answer, even once send_at has passed.
      const answer = await withIdempotency(
        deps.database.db,
        { orgId: caller.orgId, userId: caller.userId, key, requestHash: hashRequest(body) },
        () =>
          body.send_at === undefined
            ? sendMail(sendingDeps(deps), caller, body, { idempotencyKey: key })
            : scheduleMail(sendingDeps(deps), caller, body, sendTime(deps, body.send_at)),
      );
      res.status(answer.status).json(answer.body);
    },
  );
  router.use('/integrations/gmail/send', drainBeforeRefusal(MAX_SEND_BODY_BYTES));
  return router;
}

/**
 * A caller with no mailbox to send from never uploads: none of their own that may send, and none
 * shared with them (which one the body names is checked once it is read, send/outgoing-mail.ts).
 */
function requireSendingMailbox(deps: Deps) {
  return async (_req: Request, res: Response, next: NextFunction) => {
    const { orgId, userId } = res.locals.caller;
    const db = deps.database.db;
    const own = await findMailboxForUser(db, orgId, userId);
    if (own && usableForSending(own, deps.config.publicUrl) === null) return next();
    if (await isMemberOfAny(db, orgId, userId)) return next();
    if (!own) throw new AppError('mailbox_not_connected', 'no Gmail mailbox is connected');
    throw usableForSending(own, deps.config.publicUrl);
  };
}

/**
 * The validated body with its attachments decoded into Buffers, outside the heap; nothing keeps
 * the base64 text alive afterwards (the parsed body is dropped from the request too).
 */
function takeSendRequest(req: Request): SendRequest {
  const parsed = parseInput(sendBody, req.body);
  req.body = undefined;
  return decodeAttachments(parsed);
}

function decodeAttachments(body: SendBody): SendRequest {
  const attachments = (body.attachments ?? []).map((a) => ({
    filename: a.filename,
    content_type: a.content_type,
    content: Buffer.from(a.content_base64, 'base64'),
  }));
  const total = attachments.reduce((n, a) => n + a.content.length, 0);
  if (total > MAX_ATTACHMENT_BYTES) {
    throw new AppError('payload_too_large', 'attachments: at most 25 MB in all', {
      details: { field: 'attachments' },
    });
  }
  return { ...body, attachments };
}

/** What makes two requests under one key "the same": every field and every attachment byte. */
function hashRequest(body: SendRequest): string {
  const hash = createHash('sha256');
  const { attachments, ...fields } = body;
  hash.update(JSON.stringify(fields));
  for (const a of attachments ?? []) {
    hash.update(JSON.stringify([a.filename, a.content_type, a.content.length]));
    hash.update(a.content);
  }
  return hash.digest('hex');
}

/** `send_at` within the window CONTRACT.md gives (1 minute to 30 days ahead, as configured). */
function sendTime(deps: Deps, value: string): Date {
  const at = new Date(value);
  const ahead = at.getTime() - Date.now();
  const { minLeadMs, maxLeadMs } = deps.config.schedule;
  if (ahead < minLeadMs || ahead > maxLeadMs) {
    throw new AppError(
      'invalid_request',
      `send_at: must be between ${Math.round(minLeadMs / 1000)} s and ${Math.round(maxLeadMs / 86_400_000)} days ahead`,
      { details: { field: 'send_at' } },
    );
  }
  return at;
}
