// Drafts as the user writes them in Gmail's own interface (control API, CONTRACT.md): Gmail saves a
// draft every few seconds while it is written, and each save replaces the draft's message with a
// new one, under a new message id, while the draft id stays (users.drafts.update "replaces" the
// message: https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/update; an
// integration that logged mail by id saw "one new row per autosave": margince/margince#5611).
// So each save writes history (the new version added with DRAFT, the old one deleted) and notifies
// the watch. Sending turns the last version into the sent mail: DRAFT removed, SENT added, on the
// same message, one history record. Whether Gmail keeps the id on send is not documented; keeping
// it is the harder case for a client, which sees no new message, only a label change.
import { randomBytes } from 'node:crypto';
import express, { type Response, Router } from 'express';
import type { GmailStore, SimMailbox, StoredMessage } from './gmail-store.ts';

export function draftsRouter(store: GmailStore): Router {
  const router = Router();
  const json = express.json({ limit: '50mb' });
  const rawOf = (body: unknown, res: Response): Buffer | undefined => {
    const raw = (body as { raw?: unknown } | undefined)?.raw;
    if (typeof raw !== 'string' || raw.length === 0) {
      res.status(400).json({ error: 'raw is required' });
      return undefined;
    }
    return Buffer.from(raw, 'utf8');
  };
  const draftOf = (
    email: string,
    draftId: string,
    res: Response,
  ): { mb: SimMailbox; m: StoredMessage } | undefined => {
    const mb = store.get(email);
    const m = mb?.messages.get(mb.drafts.get(draftId) ?? '');
    if (!mb || !m) {
      res.status(404).json({ error: `no draft ${draftId} in ${email}` });
      return undefined;
    }
    return { mb, m };
  };

  router.post('/__sim/mailboxes/:email/drafts', json, (req, res) => {
    const raw = rawOf(req.body, res);
    if (!raw) return;
    const mb = store.ensure(req.params.email);
    const m = store.insert(mb, raw, { labelIds: ['DRAFT'] });
    const draftId = `r${BigInt(`0x${randomBytes(8).toString('hex')}`) % 10n ** 19n}`;
    mb.drafts.set(draftId, m.id);
    res.status(201).json({ draft_id: draftId, id: m.id, threadId: m.threadId });
  });

  router.put('/__sim/mailboxes/:email/drafts/:draftId', json, (req, res) => {
    const raw = rawOf(req.body, res);
    if (!raw) return;
    const found = draftOf(req.params.email, req.params.draftId, res);
    if (!found) return;
    // The new version first, then the old one goes: the draft is never missing in between.
    const next = store.insert(found.mb, raw, { labelIds: ['DRAFT'], threadId: found.m.threadId });
    store.delete(found.mb, found.m);
    found.mb.drafts.set(req.params.draftId, next.id);
    res.json({ draft_id: req.params.draftId, id: next.id, threadId: next.threadId });
  });

  router.post('/__sim/mailboxes/:email/drafts/:draftId/send', (req, res) => {
    const found = draftOf(req.params.email, req.params.draftId, res);
    if (!found) return;
    store.modifyLabels(found.mb, found.m, ['SENT'], ['DRAFT']);
    found.mb.drafts.delete(req.params.draftId);
    res.json({ id: found.m.id, threadId: found.m.threadId, labelIds: [...found.m.labelIds] });
  });

  return router;
}
