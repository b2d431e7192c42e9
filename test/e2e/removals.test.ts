// Activities that go: mail trashed or deleted in Gmail under `on_gmail_delete: remove` (back on
// untrash), and the mail a new blocklist entry covers (back when the entry is lifted), only ever in
// the mailbox that asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { deliverAndSync, timelineIds, waitForJobs } from '../support/linking-e2e.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-removals';
const OTHER_ORG = 'org-removals-other';
const ann = { sub: 'rep-ann', org: ORG, name: 'Ann' };
const ben = { sub: 'rep-ben', org: ORG, name: 'Ben' };
const cy = { sub: 'rep-cy', org: OTHER_ORG, name: 'Cy' };
const dee = { sub: 'rep-dee', org: ORG, name: 'Dee' };
const ANN = 'ann@vendor-r.test';
const BEN = 'ben@vendor-r.test';
const CY = 'cy@vendor-x.test';
const DEE = 'dee@vendor-r.test';
const PAUL = 'paul@client-r.test';
const QUINN = 'quinn@other-r.test';

describe('removals', () => {
  let e2e: E2E;
  let paul = '';
  let quinn = '';

  beforeAll(async () => {
    e2e = await startE2E();
    const db = e2e.deps.database.db;
    paul = await addContact(db, ORG, 'Paul', PAUL);
    quinn = await addContact(db, ORG, 'Quinn', QUINN);
    await addContact(db, OTHER_ORG, 'Paul elsewhere', PAUL);
    for (const [user, owner] of [
      [ann, ANN],
      [ben, BEN],
      [cy, CY],
      [dee, DEE],
    ] as const) {
      expect((await e2e.connect(user, owner)).status).toBe(200);
    }
    await waitForJobs(e2e);
  });
  afterAll(async () => {
    await e2e.close();
  });

  /** The Gmail ids logged for this mailbox. */
  async function loggedIn(owner: string): Promise<string[]> {
    const { rows } = await e2e.database.pool.query(
      `select a.gmail_message_id as id from activities a join mailboxes m on m.id = a.mailbox_id
        where m.email = $1 order by 1`,
      [owner],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  async function logged(user: TestUser, owner: string, from: string): Promise<string> {
    const { id } = await deliverAndSync(e2e, user, owner, rawMail({ from, to: owner }));
    await waitFor(async () => (await loggedIn(owner)).includes(id), { what: `${id} logged` });
    return id;
  }

  const settings = (user: TestUser, body: Record<string, unknown>) =>
    e2e.api('/integrations/gmail/settings', { user, method: 'PUT', body: JSON.stringify(body) });
  const gmailAction = (owner: string, id: string, action: 'trash' | 'untrash' | 'delete') =>
    e2e.simControl(
      `mailboxes/${encodeURIComponent(owner)}/messages/${id}${action === 'delete' ? '' : `/${action}`}`,
      { method: action === 'delete' ? 'DELETE' : 'POST' },
    );
  const sync = (user: TestUser) =>
    e2e.api('/integrations/gmail/sync', { method: 'POST', body: '{}', user });

  it('when the setting is left at keep and a logged mail is trashed in Gmail, then its activity stays', async () => {
    const kept = await logged(ann, ANN, PAUL);
    expect((await gmailAction(ANN, kept, 'trash')).status).toBe(200);
    // Gmail's history is read in order: once the later mail is logged, the trash was read too.
    const later = await logged(ann, ANN, QUINN);
    expect(await loggedIn(ANN)).toEqual(expect.arrayContaining([kept, later]));
    const answer = (await (await settings(ann, {})).json()) as { on_gmail_delete: string };
    expect(answer.on_gmail_delete).toBe('keep');
  });

  it('when the setting is remove, then a mail trashed in Gmail loses its activity, comes back on untrash, and a deleted one goes for good', async () => {
    expect((await settings(ben, { on_gmail_delete: 'remove' })).status).toBe(200);
    const trashed = await logged(ben, BEN, PAUL);
    const deleted = await logged(ben, BEN, QUINN);

    expect((await gmailAction(BEN, trashed, 'trash')).status).toBe(200);
    await sync(ben);
    await waitFor(async () => !(await loggedIn(BEN)).includes(trashed), { what: 'removal' });
    const { rows: events } = await e2e.database.pool.query(
      `select payload from events where type = 'activity.removed'`,
    );
    expect(events.map((e: { payload: unknown }) => e.payload)).toEqual([
      expect.objectContaining({ gmail_message_id: trashed, reason: 'gmail_deleted' }),
    ]);
    const { rows: tombstones } = await e2e.database.pool.query(
      'select 1 from activity_tombstones where gmail_message_id = $1',
      [trashed],
    );
    expect(tombstones).toEqual([]);

    expect((await gmailAction(BEN, trashed, 'untrash')).status).toBe(200);
    await sync(ben);
    await waitFor(async () => (await loggedIn(BEN)).includes(trashed), { what: 'restored' });
    expect(await timelineIds(e2e, ben, 'contact', paul)).toContain(trashed);

    expect((await gmailAction(BEN, deleted, 'delete')).status).toBe(200);
    await sync(ben);
    await waitFor(async () => !(await loggedIn(BEN)).includes(deleted), { what: 'deletion' });
    expect(await timelineIds(e2e, ben, 'contact', quinn)).not.toContain(deleted);
  });

  it('when a blocked domain is added and removed twice, then its mail leaves that mailbox and comes back each time, and no other mailbox or org is touched', async () => {
    const deePaul = [await logged(dee, DEE, PAUL), await logged(dee, DEE, `Paul <${PAUL}>`)];
    const deeQuinn = await logged(dee, DEE, QUINN);
    const annPaul = await logged(ann, ANN, PAUL);
    const cyPaul = await logged(cy, CY, PAUL);
    await waitForJobs(e2e);
    const before = await loggedIn(DEE);
    expect(before).toEqual([...deePaul, deeQuinn].sort());

    for (const round of [1, 2]) {
      const res = await settings(dee, { blocked_domains: ['Client-R.test'] });
      expect(res.status).toBe(200);
      expect(await loggedIn(DEE)).toEqual([deeQuinn]);
      expect(await timelineIds(e2e, dee, 'contact', quinn)).toContain(deeQuinn);
      expect(await loggedIn(ANN)).toContain(annPaul);
      expect(await loggedIn(CY)).toContain(cyPaul);
      const { rows } = await e2e.database.pool.query(
        `select payload from events where type = 'activities.removed' order by id`,
      );
      expect(rows).toHaveLength(round);
      expect(rows.at(-1)?.payload).toMatchObject({
        reason: 'blocked',
        blocked_domains: ['client-r.test'],
        count: 2,
      });

      expect((await settings(dee, { blocked_domains: [] })).status).toBe(200);
      await waitFor(async () => (await loggedIn(DEE)).length === before.length, {
        timeoutMs: 30_000,
        what: `round ${round}: the unblocked mail back`,
      });
      expect(await loggedIn(DEE)).toEqual(before);
      expect(await timelineIds(e2e, dee, 'contact', paul)).toEqual(expect.arrayContaining(deePaul));
    }
  });
});
