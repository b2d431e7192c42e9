// Threads: a colleague who joins a logged conversation is logged on the conversation's records; a
// thread reads oldest first; a timeline groups by thread, newest first, with counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { timeline, waitForJobs } from '../support/linking-e2e.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-threads';
const user = { sub: 'rep-t', org: ORG, name: 'Tess Rep' };
const OWNER = 'tess@vendor-t.test';
const ALICE = 'alice@customer-t.test';
const BOB = 'bob@customer-t.test';
const MIN = 60 * 1000;
const DAY = 24 * 60 * MIN;

type Item = {
  id: string;
  thread_id: string;
  count?: number;
  content: { gmail_message_id: string; thread_id: string };
  links: { entity_type: string; entity_id: string }[];
};

describe('threads', () => {
  let e2e: E2E;
  let alice = '';
  /** Gmail ids by name, and thread ids by name. */
  const mail: Record<string, string> = {};
  const thread: Record<string, string> = {};

  /** Puts mail in the simulated mailbox as having arrived `ago` ms ago (Gmail's internalDate). */
  function arrive(name: string, raw: string, ago: number, labelIds = ['INBOX', 'UNREAD']) {
    const box = e2e.sim.store.ensure(OWNER);
    const m = e2e.sim.store.insert(box, Buffer.from(raw), {
      labelIds,
      internalDate: Date.now() - ago,
    });
    mail[name] = m.id;
    return m;
  }

  const reply = (
    from: string,
    to: string,
    subject: string,
    parent: string,
    headers: Record<string, string> = {},
  ) =>
    rawMail({
      from,
      to,
      subject: `Re: ${subject}`,
      headers: {
        'In-Reply-To': `<${parent}@t.test>`,
        References: `<${parent}@t.test>`,
        ...headers,
      },
      messageId: `<${from.split('@')[0]}-${subject}-${Date.now()}@t.test>`,
    });
  const first = (from: string, to: string, subject: string) =>
    rawMail({ from, to, subject, messageId: `<${subject}@t.test>` });

  async function activitiesOf(gmailId: string): Promise<Item[]> {
    const { rows } = await e2e.database.pool.query(
      'select id from activities where gmail_message_id = $1',
      [gmailId],
    );
    return rows as Item[];
  }

  beforeAll(async () => {
    e2e = await startE2E();
    alice = await addContact(e2e.deps.database.db, ORG, 'Alice', ALICE);
    // "pilot": opened by Alice before the 7-day backfill window, answered by her within it.
    thread.pilot = arrive('pilotOpen', first(ALICE, OWNER, 'pilot'), 20 * DAY).threadId;
    arrive('pilotAgain', reply(ALICE, OWNER, 'pilot', 'pilot'), 3 * DAY);
    // "budget": Alice wrote only before the window.
    thread.budget = arrive('budgetOpen', first(ALICE, OWNER, 'budget'), 20 * DAY).threadId;
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    await waitForJobs(e2e);
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when a colleague with no record of their own replies in a thread whose first mail is older than the backfill window, then the reply is logged on the records of the thread only if mail of it was logged, and an auto-reply is not', async () => {
    expect(await activitiesOf(mail.pilotOpen ?? '')).toEqual([]);
    expect(await activitiesOf(mail.pilotAgain ?? '')).toHaveLength(1);
    expect(await activitiesOf(mail.budgetOpen ?? '')).toEqual([]);

    // The replies reach the sync in order: once the last is logged, the others were decided.
    const away = arrive(
      'carlAway',
      reply('carl@customer-t.test', OWNER, 'pilot', 'pilot', { 'Auto-Submitted': 'auto-replied' }),
      11 * MIN,
    );
    const bobPilot = arrive('bobPilot', reply(BOB, OWNER, 'pilot', 'pilot'), 10 * MIN);
    const bobBudget = arrive('bobBudget', reply(BOB, OWNER, 'budget', 'budget'), 10 * MIN);
    expect([away.threadId, bobPilot.threadId, bobBudget.threadId]).toEqual([
      thread.pilot,
      thread.pilot,
      thread.budget,
    ]);
    await e2e.api('/integrations/gmail/sync', { method: 'POST', body: '{}', user });

    const logged = await waitFor(
      async () =>
        (await timeline(e2e, user, 'contact', alice)).find(
          (a) => a.content.gmail_message_id === bobPilot.id,
        ),
      { what: "Bob's reply on Alice's timeline" },
    );
    expect(logged.links).toEqual([{ entity_type: 'contact', entity_id: alice }]);
    expect(logged.content).toMatchObject({ from: BOB, thread_id: thread.pilot });
    await waitForJobs(e2e);
    expect(await activitiesOf(bobBudget.id)).toEqual([]);
    // An out-of-office answer in the thread is no one joining it.
    expect(await activitiesOf(away.id)).toEqual([]);
  });

  it('when a thread is read, then its activities come oldest first with their links, the colleague included; another org sees none', async () => {
    thread.kickoff = arrive('kickoff', first(ALICE, OWNER, 'kickoff'), 3 * MIN).threadId;
    arrive('kickoffSent', reply(OWNER, ALICE, 'kickoff', 'kickoff'), 2 * MIN, ['SENT']);
    arrive('kickoffDana', reply('dana@customer-t.test', OWNER, 'kickoff', 'kickoff'), 1 * MIN);
    await e2e.api('/integrations/gmail/sync', { method: 'POST', body: '{}', user });

    const body = await waitFor(async () => {
      const res = await e2e.api(`/threads/${thread.kickoff}`, { user });
      const read = (await res.json()) as { thread_id: string; items: Item[] };
      return read.items.length === 3 && read;
    });
    expect(body.thread_id).toBe(thread.kickoff);
    expect(body.items.map((a) => a.content.gmail_message_id)).toEqual([
      mail.kickoff,
      mail.kickoffSent,
      mail.kickoffDana,
    ]);
    for (const item of body.items) {
      expect(item.thread_id).toBe(thread.kickoff);
      expect(item.links).toEqual([{ entity_type: 'contact', entity_id: alice }]);
    }
    const elsewhere = await e2e.api(`/threads/${thread.kickoff}`, {
      user: { sub: 'x', org: 'org-threads-other' },
    });
    expect(((await elsewhere.json()) as { items: Item[] }).items).toEqual([]);
  });

  it('when a timeline is grouped by thread, then each thread is one item, newest first, with its count, a page at a time', async () => {
    const pageOf = async (cursor?: string) => {
      const q = `entity_type=contact&entity_id=${alice}&group=thread&limit=1`;
      const res = await e2e.api(`/activities?${q}${cursor ? `&cursor=${cursor}` : ''}`, { user });
      expect(res.status).toBe(200);
      return (await res.json()) as { items: Item[]; next_cursor: string | null };
    };
    const one = await pageOf();
    expect(one.items.map((i) => [i.thread_id, i.count, i.content.gmail_message_id])).toEqual([
      [thread.kickoff, 3, mail.kickoffDana],
    ]);
    const two = await pageOf(one.next_cursor ?? '');
    expect(two.items.map((i) => [i.thread_id, i.count, i.content.gmail_message_id])).toEqual([
      [thread.pilot, 2, mail.bobPilot],
    ]);
    expect(two.next_cursor).toBeNull();

    const flat = await timeline(e2e, user, 'contact', alice);
    expect(flat).toHaveLength(5);
    expect((flat as unknown as Item[]).every((i) => i.thread_id && i.count === undefined)).toBe(
      true,
    );
  });
});
