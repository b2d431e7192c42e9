// The mailbox changes after delivery (issue 13, item 12): Gmail adds IMPORTANT and CATEGORY_*,
// filters add labels, users star and archive, rescue mail from spam and restore it from the trash.
// A relabel of mail already judged costs no `messages.get` (20 units under the 2026 profile);
// mail that becomes loggable (out of spam or trash) is logged.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import {
  callsOf,
  connectedMailbox,
  loggedCount,
  setFaults,
  waitForIdle,
  waitForLogged,
} from './mailbox-fixture.ts';

const ORG = 'org-labels';
const CLIENT = 'carla@client.test';

describe('label changes after delivery', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const deliver = async (owner: string, from: string, subject: string, labelIds?: string[]) =>
    (await e2e.deliver(owner, rawMail({ from, to: owner, subject }), labelIds)).id;
  const relabel = async (owner: string, id: string, add: string[], remove: string[]) => {
    const res = await e2e.simControl(`mailboxes/${owner}/messages/${id}/labels`, {
      body: { add, remove },
    });
    expect(res.ok).toBe(true);
  };

  it('when 20 judged mails are relabelled, starred and archived, then no message is fetched again', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'relabel');
    // Every change pushed: this test is about what a relabel costs, not about lost pushes.
    await setFaults(e2e, { push: { per_user_per_sec: 0 } });
    const logged: string[] = [];
    const skipped: string[] = [];
    for (let i = 0; i < 10; i++) {
      logged.push(await deliver(owner, CLIENT, `Order ${i}`));
      skipped.push(await deliver(owner, `promo${i}@elsewhere.test`, `Offer ${i}`));
    }
    await waitForLogged(e2e, logged, { timeoutMs: 15_000, what: 'the 10 CRM mails logged' });
    await waitForIdle(e2e);
    expect((await e2e.simControl('reset-stats', { body: {} })).ok).toBe(true);

    for (const [i, id] of [...logged, ...skipped].entries()) {
      await relabel(owner, id, ['IMPORTANT', 'CATEGORY_UPDATES'], []);
      await relabel(owner, id, ['STARRED'], ['UNREAD', ...(i % 2 ? ['INBOX'] : [])]);
    }
    // History is read in order: once this mail is logged, every relabel before it was read too.
    const last = await deliver(owner, CLIENT, 'After the relabels');
    await waitForLogged(e2e, [last], { timeoutMs: 15_000, what: 'the mail after the relabels' });
    await waitForIdle(e2e);
    expect((await callsOf(e2e, owner))['messages.get']).toBe(1);
    expect(await loggedCount(e2e, skipped)).toBe(0);
  });

  it('when mail a filter trashed on arrival is restored from the trash, then it is logged', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'untrash');
    const id = await deliver(owner, CLIENT, 'Binned by a filter', ['TRASH']);
    await waitForIdle(e2e);
    expect(await loggedCount(e2e, [id])).toBe(0);
    const res = await e2e.simControl(`mailboxes/${owner}/messages/${id}/untrash`, { body: {} });
    expect(res.ok).toBe(true);
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the restored mail logged' });
  });

  it('when mail is rescued from spam, then it is logged', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'spam');
    const id = await deliver(owner, CLIENT, 'Not spam, really', ['SPAM']);
    await waitForIdle(e2e);
    expect(await loggedCount(e2e, [id])).toBe(0);
    await relabel(owner, id, ['INBOX'], ['SPAM']);
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the rescued mail logged' });
  });
});
