// The simulator's control API under /__sim/ (CONTRACT.md): mailboxes, deliveries, sent mail,
// revocation, history and token expiry, watches, faults, stats, KMS keys; the changes made to a
// mailbox after delivery are in mailbox-control.ts.
import express, { Router } from 'express';
import { accountStateRouter } from './account-states.ts';
import { withoutBcc } from './bcc.ts';
import type { Faults, SimContext } from './context.ts';
import { draftsRouter } from './gmail-drafts.ts';
import type { GmailStore } from './gmail-store.ts';
import type { KmsKeys } from './grpc-server.ts';
import { mailboxChangesRouter } from './mailbox-control.ts';
import type { Quota } from './quota.ts';
import { seededRandom } from './random.ts';
import { searchFaultError } from './search-faults.ts';

export function controlRouter(
  ctx: SimContext,
  store: GmailStore,
  quota: Quota,
  kms: () => KmsKeys,
): Router {
  const router = Router();
  router.use('/__sim', express.json({ limit: '50mb' }));
  const mailboxOr404 = (email: string, res: express.Response) => {
    const mb = store.get(email);
    if (!mb) res.status(404).json({ error: `no mailbox ${email}` });
    return mb;
  };

  router.post('/__sim/mailboxes', (req, res) => {
    const email = String((req.body as { email?: string }).email ?? '');
    if (!email.includes('@')) return res.status(400).json({ error: 'email is required' });
    const existed = store.get(email) !== undefined;
    store.ensure(email);
    res.status(existed ? 200 : 201).json({ email: email.toLowerCase() });
  });

  router.post('/__sim/mailboxes/:email/deliver', (req, res) => {
    const body = req.body as {
      raw?: string;
      raw_base64url?: string;
      labelIds?: string[];
      internal_date?: unknown;
    };
    // Mail imported, restored or rescued arrives with an old date: Gmail's internalDate is then
    // the mail's, not the delivery's.
    const internalDate = body.internal_date ?? Date.now();
    if (typeof internalDate !== 'number' || !Number.isSafeInteger(internalDate) || internalDate < 0)
      return res.status(400).json({ error: 'internal_date must be epoch milliseconds' });
    const raw =
      body.raw_base64url !== undefined
        ? Buffer.from(body.raw_base64url, 'base64url')
        : Buffer.from(body.raw ?? '', 'utf8');
    if (raw.length === 0)
      return res.status(400).json({ error: 'raw or raw_base64url is required' });
    const labelIds = body.labelIds ?? ['INBOX', 'UNREAD'];
    // The user's own copy of mail written in Gmail keeps its Bcc; a received copy never has one.
    const own = labelIds.includes('SENT') || labelIds.includes('DRAFT');
    const stored = own ? raw : withoutBcc(raw);
    const mb = store.ensure(req.params.email);
    const m = store.insert(mb, stored, { labelIds, internalDate });
    res.json({ id: m.id, threadId: m.threadId, historyId: String(m.historyId) });
  });

  router.get('/__sim/mailboxes/:email/sent', (req, res) => {
    const mb = mailboxOr404(req.params.email, res);
    if (mb) res.json({ messages: mb.sent.map((raw) => ({ raw: raw.toString('base64url') })) });
  });

  router.post('/__sim/mailboxes/:email/revoke', (req, res) => {
    ctx.revokeGrants(req.params.email);
    res.json({ ok: true });
  });

  router.post('/__sim/mailboxes/:email/expire-history', (req, res) => {
    const mb = mailboxOr404(req.params.email, res);
    if (!mb) return;
    store.expireHistory(mb);
    res.json({ historyFloor: String(mb.historyFloor) });
  });

  router.post('/__sim/mailboxes/:email/bump-history', (req, res) => {
    const mb = mailboxOr404(req.params.email, res);
    if (!mb) return;
    const n = (req.body as { n?: unknown } | undefined)?.n ?? 1;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000)
      return res.status(400).json({ error: 'n must be an integer from 1 to 1000000' });
    res.json({ historyId: String(store.bumpHistory(mb, n)) });
  });

  router.post('/__sim/mailboxes/:email/expire-tokens', (req, res) => {
    ctx.expireAccessTokens(req.params.email);
    res.json({ ok: true });
  });

  router.post('/__sim/mailboxes/:email/expire-grant', (req, res) => {
    ctx.expireGrants(req.params.email);
    res.json({ ok: true });
  });

  router.use(mailboxChangesRouter(store));
  router.use(draftsRouter(store));
  router.use(accountStateRouter(store));

  router.get('/__sim/mailboxes/:email/watch', (req, res) => {
    const mb = store.get(req.params.email);
    const watch = mb?.watch;
    res.json({
      topicName: watch?.topicName ?? null,
      expiration: watch ? String(watch.expiration) : null,
      active: watch !== undefined && watch.expiration > Date.now(),
    });
  });

  /** Merges the given faults; `{"reset": true}` clears them all first. */
  router.put('/__sim/faults', (req, res) => {
    const body = req.body as Faults & { reset?: boolean };
    const { reset, ...faults } = body;
    const unknownQuota = quotaFaultError(faults) ?? searchFaultError(faults);
    if (unknownQuota) return res.status(400).json({ error: unknownQuota });
    if (reset) {
      for (const k of Object.keys(ctx.faults)) delete (ctx.faults as Record<string, unknown>)[k];
      ctx.recipients.clear();
    }
    Object.assign(
      ctx.faults,
      faults,
      faults.push ? { push: { ...ctx.faults.push, ...faults.push } } : {},
      faults.calendar ? { calendar: { ...ctx.faults.calendar, ...faults.calendar } } : {},
    );
    if (faults.seed !== undefined) {
      ctx.random = seededRandom(faults.seed);
      store.lagRandom = seededRandom(faults.seed + 1);
    }
    const quotaFields = [
      'quota_profile',
      'quota_units_per_sec',
      'quota_window',
      'quota_window_s',
    ] as const;
    if (quotaFields.some((k) => faults[k] !== undefined)) quota.reset();
    if (faults.quota_retry_after_s !== undefined) quota.clearPenalties();
    res.json(ctx.faults);
  });

  router.get('/__sim/stats', (_req, res) => {
    res.json(ctx.stats);
  });
  router.post('/__sim/reset-stats', (_req, res) => {
    ctx.stats.calls = {};
    ctx.stats.units = 0;
    ctx.stats.rate_limited = 0;
    ctx.stats.refused = {};
    ctx.stats.users = {};
    ctx.stats.pushes = { sent: 0, acked: 0, dropped: 0 };
    res.json(ctx.stats);
  });

  router.post('/__sim/kms/keys', (req, res) => {
    const name = String((req.body as { name?: string }).name ?? '');
    if (!/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.test(name)) {
      return res.status(400).json({ error: 'name must be a CryptoKey name' });
    }
    kms().create(name);
    res.status(201).json({ name });
  });
  router.post('/__sim/kms/keys/rotate', (req, res) => {
    res.json({ primary: kms().rotate(String((req.body as { name?: string }).name ?? '')) });
  });

  return router;
}

/** A misspelt quota mode would silently test the default one: refuse it. */
function quotaFaultError(faults: Faults): string | undefined {
  if (faults.quota_window !== undefined && !['second', 'minute'].includes(faults.quota_window))
    return 'quota_window must be "second" or "minute"';
  const forms = ['429', '403', 'exhausted', 'mixed'];
  if (faults.quota_error !== undefined && !forms.includes(faults.quota_error))
    return 'quota_error must be "429", "403", "exhausted" or "mixed"';
  for (const k of [
    'concurrency_per_user',
    'quota_retry_after_s',
    'quota_window_s',
    'send_drop_after_store',
  ] as const) {
    const v = faults[k];
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0)))
      return `${k} must be a number, 0 or more`;
  }
  return undefined;
}
