// The `resolve_send` task: a send answered `unknown` looked up again (send/resolve-send.ts, which
// queues the next look itself while Gmail cannot say yet).
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { ENTITY_TYPES } from '../crm/link-entities.ts';
import type { Deps } from '../deps.ts';
import { resolveSend } from '../send/resolve-send.ts';

const payloadSchema = z.object({
  mailbox_id: z.uuid(),
  message_id_header: z.string().min(3).max(998),
  sent_at: z.iso.datetime({ offset: true }),
  history_id_before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  created_by_name: z.string().max(1_000),
  entity_type: z.enum(ENTITY_TYPES).optional(),
  entity_id: z.uuid().optional(),
  idempotency_key: z.string().max(255).optional(),
  caller_user_id: z.string().max(255).optional(),
});

export function makeResolveSendTask(deps: Deps): Task {
  const resolveDeps = {
    db: deps.database.db,
    mailboxAuth: deps.mailboxAuth,
    orgRules: deps.orgRules,
    pacers: deps.pacers,
    settleMs: deps.config.sync.searchFirst.settleMs,
    gapMs: deps.config.timings.sendLookupGapMs,
  };
  return async (payload) => {
    const parsed = payloadSchema.parse(payload);
    const outcome = await resolveSend(resolveDeps, parsed);
    if (outcome.kind === 'waiting') return;
    deps.log.info({ mailbox_id: parsed.mailbox_id, outcome: outcome.kind }, 'send resolved');
  };
}
