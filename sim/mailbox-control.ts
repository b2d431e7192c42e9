// The control API's mailbox changes (CONTRACT.md): what Gmail itself, a filter or the user in
// Gmail's own interface does to a message after delivery (labels, trash, untrash, delete), each
// writing the history Gmail would and notifying the watch; and the verified send-as aliases.
import express, { type Response, Router } from 'express';
import type { GmailStore, SimMailbox, StoredMessage } from './gmail-store.ts';

export function mailboxChangesRouter(store: GmailStore): Router {
  const router = Router();
  const json = express.json();
  const found = (
    email: string,
    id: string,
    res: Response,
  ): { mb: SimMailbox; m: StoredMessage } | undefined => {
    const mb = store.get(email);
    const m = mb?.messages.get(id);
    if (!mb || !m) {
      res.status(404).json({ error: `no message ${id} in ${email}` });
      return undefined;
    }
    return { mb, m };
  };
  const view = (m: StoredMessage) => ({
    id: m.id,
    threadId: m.threadId,
    labelIds: [...m.labelIds],
    historyId: String(m.historyId),
  });

  router.post('/__sim/mailboxes/:email/messages/:id/labels', json, (req, res) => {
    const hit = found(req.params.email, req.params.id, res);
    if (!hit) return;
    const body = (req.body ?? {}) as { add?: string[]; remove?: string[] };
    store.modifyLabels(hit.mb, hit.m, body.add ?? [], body.remove ?? []);
    res.json(view(hit.m));
  });
  router.post('/__sim/mailboxes/:email/messages/:id/trash', (req, res) => {
    const hit = found(req.params.email, req.params.id, res);
    if (!hit) return;
    store.trash(hit.mb, hit.m);
    res.json(view(hit.m));
  });
  router.post('/__sim/mailboxes/:email/messages/:id/untrash', (req, res) => {
    const hit = found(req.params.email, req.params.id, res);
    if (!hit) return;
    store.untrash(hit.mb, hit.m);
    res.json(view(hit.m));
  });
  router.delete('/__sim/mailboxes/:email/messages/:id', (req, res) => {
    const hit = found(req.params.email, req.params.id, res);
    if (!hit) return;
    store.delete(hit.mb, hit.m);
    res.json({ id: hit.m.id, historyId: String(hit.m.historyId) });
  });

  router.post('/__sim/mailboxes/:email/send-as', json, (req, res) => {
    const body = (req.body ?? {}) as { email?: string; display_name?: string; default?: boolean };
    const email = String(body.email ?? '').toLowerCase();
    if (!email.includes('@')) return res.status(400).json({ error: 'email is required' });
    const mb = store.ensure(req.params.email);
    if (body.default) for (const a of mb.aliases) a.isDefault = false;
    mb.aliases = mb.aliases.filter((a) => a.sendAsEmail !== email);
    mb.aliases.push({
      sendAsEmail: email,
      displayName: body.display_name ?? '',
      isDefault: body.default === true,
    });
    res.status(201).json({ sendAsEmail: email });
  });

  return router;
}
