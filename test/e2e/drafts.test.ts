// A user writing a draft in Gmail: every autosave is a new message (new id, history, a push), yet
// drafts are never logged, so none is worth a fetch: the history's DRAFT label says so. The draft
// sent becomes the sent mail, logged once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { waitFor } from '../support/wait-for.ts';
import { callsOf, connectedMailbox, loggedCount, waitForIdle } from './mailbox-fixture.ts';

const ORG = 'org-drafts';
const CLIENT = 'carla@client.test';

describe('drafts written in Gmail', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla Client', CLIENT);
  });
  afterAll(async () => {
    await e2e.close();
  });

  const draft = (owner: string, body: string) => ({
    raw: `From: ${owner}\r\nTo: ${CLIENT}\r\nSubject: Proposal\r\nMessage-ID: <proposal-${owner}>\r\n\r\n${body}`,
  });
  const control = async (path: string, method: string, body?: unknown) => {
    const res = await e2e.simControl(path, { method, ...(body ? { body } : {}) });
    expect(res.ok).toBe(true);
    return (await res.json()) as { draft_id: string; id: string };
  };
  /** Every sync the pushes of the draft's saves queued has run. */
  const afterSyncsOf = async (owner: string, historyId: string) => {
    await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query<{ history_id: string }>(
          'select history_id from mailboxes where email = $1',
          [owner],
        );
        return Number(rows[0]?.history_id) >= Number(historyId);
      },
      { timeoutMs: 15_000, what: 'the cursor past the last save' },
    );
    await waitForIdle(e2e);
  };

  it('when a draft to a contact is saved five times, then nothing is fetched or logged; sent, it is logged once', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'drafts');
    const calls = await callsOf(e2e, owner);
    const first = await control(`mailboxes/${owner}/drafts`, 'POST', draft(owner, 'Hi'));
    const saves = [first.id];
    for (const text of ['Hi Carla', 'Hi Carla, the', 'Hi Carla, the terms', 'Hi Carla, the terms.'])
      saves.push(
        (await control(`mailboxes/${owner}/drafts/${first.draft_id}`, 'PUT', draft(owner, text)))
          .id,
      );
    // Every save's push was synced: the cursor is past the last one.
    const mailbox = e2e.sim.store.get(owner);
    if (!mailbox) throw new Error(`no simulated mailbox ${owner}`);
    await afterSyncsOf(owner, String(e2e.sim.store.historyIdOf(mailbox)));

    const after = await callsOf(e2e, owner);
    expect(after['messages.get'] ?? 0).toBe(calls['messages.get'] ?? 0);
    expect(await loggedCount(e2e, saves)).toBe(0);

    const sent = await control(`mailboxes/${owner}/drafts/${first.draft_id}/send`, 'POST');
    expect(sent.id).toBe(saves.at(-1));
    await waitFor(async () => (await loggedCount(e2e, [sent.id])) === 1, {
      timeoutMs: 15_000,
      what: 'the sent draft logged',
    });
    await waitForIdle(e2e);
    const logged = await e2e.database.pool.query(
      `select count(*)::int as n from activities a join mailboxes m on m.id = a.mailbox_id
        where m.email = $1`,
      [owner],
    );
    expect(logged.rows[0]?.n).toBe(1);
    expect((await callsOf(e2e, owner))['messages.get'] ?? 0).toBe((calls['messages.get'] ?? 0) + 1);
  }, 40_000);
});
