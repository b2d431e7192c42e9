// POST /integrations/gmail/send: mail sent as the user through their Gmail, idempotent by key.
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { z } from 'zod';
import { AppError } from '../app-error.ts';
import type { Deps } from '../deps.ts';
import { sendMail } from '../send/send-mail.ts';
import { ENTITY_TYPES } from '../sync/link-entities.ts';
import type { VerifyCaller } from './crm-auth.ts';
import { requireCaller } from './crm-auth.ts';
import { withIdempotency } from './idempotency.ts';
import { parseInput } from './validate.ts';

/** Gmail accepts messages up to 25 MB of attachments; base64 inflates them by a third. */
const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

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
  router.post(
    '/integrations/gmail/send',
    requireCaller(verifyCaller),
    express.json({ limit: '40mb' }),
    async (req, res) => {
      const key = parseInput(idempotencyKey, req.get('idempotency-key'), 'Idempotency-Key');
      const body = parseInput(sendBody, req.body);
      const attachmentBytes = (body.attachments ?? []).reduce(
        (n, a) => n + Buffer.byteLength(a.content_base64, 'base64'),
        0,
      );
      if (attachmentBytes > MAX_ATTACHMENT_BYTES) {
        throw new AppError('payload_too_large', 'attachments: at most 25 MB in all', {
          details: { field: 'attachments' },
        });
      }
      const caller = res.locals.caller;
      const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
      const answer = await withIdempotency(
        deps.database.db,
        { orgId: caller.orgId, userId: caller.userId, key, requestHash },
        () => sendMail(sendDeps(deps), caller, body),
      );
      res.status(answer.status).json(answer.body);
    },
  );
  return router;
}

function sendDeps(deps: Deps) {
  return {
    db: deps.database.db,
    log: deps.log,
    mailboxAuth: deps.mailboxAuth,
    pacers: deps.pacers,
  };
}
