// Mail that becomes loggable through a label change long after it arrived (issue 22): rescued from
// Spam, an excluded label lifted, untrashed under `on_gmail_delete: remove`. Gmail's search could
// only find it within a window around the day it was seen; it is fetched by its id instead, whatever
// its age.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { loggedCount, waitForIdle, waitForLogged } from './mailbox-fixture.ts';

const ORG = 'org-late-loggable';
const CLIENT = 'elsa@client.test';
const DAY = 86_400_000;
/** Short, so a mail search does not find is let go within the test's wait. */
const SETTLE_MS = 2_000;

describe('mail that becomes loggable through a label change days after it arrived', () => {
  let e2e: E2E;
  let seq = 0;

  beforeAll(async () => {
    e2e = await startE2E({ env: { MATCH_SETTLE_MS: String(SETTLE_MS) } });
    await addContact(e2e.deps.database.db, ORG, 'Elsa Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  /** A fresh user and mailbox; the mailbox exists (with mail, if given) before it is connected. */
  const connect = async (before?: (owner: string) => Promise<void>) => {
    seq += 1;
    const user: TestUser = { sub: `late-${seq}`, org: ORG, name: 'Rep' };
    const owner = `late-${seq}@vendor.test`;
    expect((await e2e.simControl('mailboxes', { body: { email: owner } })).status).toBe(201);
    await before?.(owner);
    expect((await e2e.connect(user, owner)).status).toBe(200);
    await waitForIdle(e2e);
    return { user, owner };
  };
  /** Client mail dated `daysAgo` days back, as Gmail received it then. */
  const deliverOld = async (owner: string, daysAgo: number, labelIds: string[]) => {
    const res = await e2e.simControl(`mailboxes/${owner}/deliver`, {
      body: {
        raw: rawMail({ from: CLIENT, to: owner, date: new Date(Date.now() - daysAgo * DAY) }),
        labelIds,
        internal_date: Date.now() - daysAgo * DAY,
      },
    });
    expect(res.ok).toBe(true);
    return ((await res.json()) as { id: string }).id;
  };
  const relabel = (owner: string, id: string, add: string[], remove: string[]) =>
    e2e.simControl(`mailboxes/${owner}/messages/${id}/labels`, { body: { add, remove } });
  const settings = (user: TestUser, body: Record<string, unknown>) =>
    e2e.api('/integrations/gmail/settings', { user, method: 'PUT', body: JSON.stringify(body) });

  it('when client mail that sat three days in Spam is marked not spam, then it is logged', async () => {
    const { owner } = await connect();
    const id = await deliverOld(owner, 3, ['SPAM']);
    await waitForIdle(e2e);
    expect(await loggedCount(e2e, [id])).toBe(0);
    expect((await relabel(owner, id, ['INBOX'], ['SPAM'])).ok).toBe(true);
    await waitForLogged(e2e, [id], { timeoutMs: SETTLE_MS * 6, what: 'the rescued mail logged' });
  });

  it('when an excluded label is lifted from two-day-old client mail, then it is logged', async () => {
    const { user, owner } = await connect();
    expect((await settings(user, { excluded_labels: ['Label_7'] })).status).toBe(200);
    const id = await deliverOld(owner, 2, ['INBOX', 'Label_7']);
    await waitForIdle(e2e);
    expect(await loggedCount(e2e, [id])).toBe(0);
    expect((await relabel(owner, id, [], ['Label_7'])).ok).toBe(true);
    await waitForLogged(e2e, [id], { timeoutMs: SETTLE_MS * 6, what: 'the released mail logged' });
  });

  it('when two-day-old client mail is trashed and untrashed under on_gmail_delete: remove, then it is logged again', async () => {
    let id = '';
    const { user, owner } = await connect(async (o) => {
      id = await deliverOld(o, 2, ['INBOX']);
    });
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the backfill logging it' });
    expect((await settings(user, { on_gmail_delete: 'remove' })).status).toBe(200);
    expect((await e2e.simControl(`mailboxes/${owner}/messages/${id}/trash`, { body: {} })).ok).toBe(
      true,
    );
    await waitFor(async () => (await loggedCount(e2e, [id])) === 0, {
      timeoutMs: 10_000,
      what: 'the activity removed with the trash',
    });
    expect(
      (await e2e.simControl(`mailboxes/${owner}/messages/${id}/untrash`, { body: {} })).ok,
    ).toBe(true);
    await waitForLogged(e2e, [id], { timeoutMs: SETTLE_MS * 6, what: 'the untrashed mail logged' });
  });
});
