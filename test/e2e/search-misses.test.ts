// Mail Gmail's search leads search-first to miss (issue 22): a contact only in the Bcc of mail the
// user sent from Gmail, a colleague's reply that search finds before its thread's first mail, a
// query Gmail refuses. Each is logged.
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

const ORG = 'org-search-misses';
const CLIENT = 'gina@client.test';
const OTHER = 'hugo@client.test';
const SETTLE_MS = 3_000;

describe('mail search-first would miss', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E({ env: { MATCH_SETTLE_MS: String(SETTLE_MS) } });
    await addContact(e2e.deps.database.db, ORG, 'Gina Client', CLIENT);
    await addContact(e2e.deps.database.db, ORG, 'Hugo Client', OTHER);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const linkedTo = async (gmailId: string) => {
    const { rows } = await e2e.database.pool.query<{ email: string }>(
      `select c.email from activities a join activity_links l on l.activity_id = a.id
         join contacts c on c.id = l.entity_id
        where a.gmail_message_id = $1 and l.entity_type = 'contact'`,
      [gmailId],
    );
    return rows.map((r) => r.email);
  };

  it('when the user writes from Gmail to a stranger with a CRM contact only in Bcc, then the mail is logged on the contact', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'bcc');
    const { id } = await e2e.deliver(
      owner,
      rawMail({
        from: owner,
        to: 'stranger@elsewhere.test',
        subject: 'Intro',
        headers: { Bcc: `Gina <${CLIENT}>` },
      }),
      ['SENT'],
    );
    await waitForLogged(e2e, [id], { timeoutMs: SETTLE_MS * 4, what: 'the Bcc mail logged' });
    expect(await linkedTo(id)).toEqual([CLIENT]);
  });

  it("when a colleague's reply is indexed before the contact's first mail of the thread, then both are logged", async () => {
    const owner = await connectedMailbox(e2e, ORG, 'race');
    // Seed 43 draws the first mail a lag of about 3.4 s and the reply none: search finds the
    // reply (it quotes the contact's address) while the first mail is not indexed yet.
    await setFaults(e2e, { seed: 43, search_lag_ms: { p50: 0, p99: 5_000, max: 5_000 } });
    const first = await e2e.deliver(
      owner,
      rawMail({ from: CLIENT, to: owner, subject: 'Pricing', messageId: '<price-1@client.test>' }),
    );
    const reply = await e2e.deliver(
      owner,
      rawMail({
        from: 'colleague@partner.test',
        to: owner,
        subject: 'Re: Pricing',
        headers: { 'In-Reply-To': '<price-1@client.test>', References: '<price-1@client.test>' },
        body: `Adding my numbers.\r\n\r\nOn Monday, Gina <${CLIENT}> wrote:\r\n> What does it cost?`,
      }),
    );
    expect(reply.threadId).toBe(first.threadId);
    await waitForLogged(e2e, [first.id, reply.id], {
      timeoutMs: SETTLE_MS * 6,
      what: 'the first mail and the reply logged',
    });
  });

  it("when a Google Group rewrites a CRM contact's post (the contact only in Reply-To), then the post is logged once the group is known", async () => {
    const owner = await connectedMailbox(e2e, ORG, 'group');
    const group = 'vendas@vendor.test';
    const listHeaders = {
      'List-Id': '<vendas.vendor.test>',
      'List-Post': `<mailto:${group}>`,
      'Mailing-list': `list ${group}; contact vendas+owners@vendor.test`,
    };
    // A post under the contact's own From: found by search, logged, and the group learned.
    const plain = await e2e.deliver(
      owner,
      rawMail({ from: `Gina <${CLIENT}>`, to: group, subject: 'Catalogue', headers: listHeaders }),
    );
    await waitForLogged(e2e, [plain.id], { timeoutMs: SETTLE_MS * 4, what: 'the plain post' });
    // Under strict DMARC the group writes the post as its own ("Hugo via Vendas").
    const rewritten = await e2e.deliver(
      owner,
      rawMail({
        from: `"'Hugo Client' via Vendas" <${group}>`,
        to: group,
        subject: 'Order',
        headers: {
          ...listHeaders,
          'Reply-To': `Hugo Client <${OTHER}>`,
          'X-Original-From': `Hugo Client <${OTHER}>`,
        },
      }),
    );
    const stranger = await e2e.deliver(
      owner,
      rawMail({
        from: `"'Zed' via Vendas" <${group}>`,
        to: group,
        headers: { ...listHeaders, 'Reply-To': 'zed@elsewhere.test' },
      }),
    );
    await waitForLogged(e2e, [rewritten.id], {
      timeoutMs: SETTLE_MS * 4,
      what: 'the rewritten post logged',
    });
    expect(await linkedTo(rewritten.id)).toEqual([OTHER]);
    await waitForIdle(e2e);
    expect(await loggedCount(e2e, [stranger.id])).toBe(0);
    // Read and judged once: the reconciliation, asking the same search, need not fetch it again.
    const { rows } = await e2e.database.pool.query<{ reason: string }>(
      'select reason from skipped_messages where gmail_message_id = $1',
      [stranger.id],
    );
    expect(rows.map((r) => r.reason)).toEqual(['not_logged_by_rules']);
  });

  it('when Gmail refuses the query as too long, then the terms are searched in smaller queries and the mail is logged', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'refused-split');
    // Room for one address a query, not two.
    await setFaults(e2e, { max_query_chars: 50 });
    expect((await e2e.simControl('reset-stats', { body: {} })).ok).toBe(true);
    const stranger = await e2e.deliver(owner, rawMail({ from: 'ivo@elsewhere.test', to: owner }));
    const { id } = await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Split' }));
    await waitForLogged(e2e, [id], { timeoutMs: SETTLE_MS * 4, what: 'the client mail logged' });
    await waitForIdle(e2e);
    const calls = await callsOf(e2e, owner);
    expect(calls['messages.list']).toBeGreaterThanOrEqual(3);
    expect(await loggedCount(e2e, [stranger.id])).toBe(0);
    expect(e2e.logs.text()).toMatch(/search query refused/);
  });

  it('when Gmail refuses even a single address, then the waiting mail is fetched instead, and the refusal is logged without content', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'refused-all');
    await setFaults(e2e, { max_query_chars: 20 });
    const { id } = await e2e.deliver(owner, rawMail({ from: OTHER, to: owner, subject: 'Lone' }));
    await waitForLogged(e2e, [id], { timeoutMs: SETTLE_MS * 4, what: 'the client mail logged' });
    const refusals = e2e.logs
      .text()
      .split('\n')
      .filter((l) => l.includes('search query refused'));
    expect(refusals.length).toBeGreaterThan(0);
    for (const line of refusals) expect(line).not.toMatch(/@|client\.test/);
  });
});
