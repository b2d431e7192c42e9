import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { loggedCount, waitForIdle, waitForLogged } from './mailbox-fixture.ts';

const ORG = 'org-rules';
const REP: TestUser = { sub: 'rep', org: ORG, name: 'Rep' };
const ADMIN: TestUser = { sub: 'boss', org: ORG, admin: true };
const OTHER_REP: TestUser = { sub: 'rep', org: 'org-rules-other', name: 'Rep 2' };
const OWNER = 'rep@vendor-r.test';
const OTHER_OWNER = 'rep@vendor-r2.test';

describe("the org's rules over every mailbox", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    const db = e2e.deps.database.db;
    for (const org of [ORG, 'org-rules-other']) {
      await addContact(db, org, 'Bloqueado', 'ana@blocked.test');
      await addContact(db, org, 'Cliente', 'bia@client.test');
    }
    expect((await e2e.connect(REP, OWNER)).status).toBe(200);
    expect((await e2e.connect(OTHER_REP, OTHER_OWNER)).status).toBe(200);
    await waitForIdle(e2e);
  });
  afterAll(async () => {
    await e2e.close();
  });

  const settings = (body: unknown, user = ADMIN) =>
    e2e.api('/org/settings', { user, method: 'PUT', body: JSON.stringify(body) });
  const skipReason = async (id: string) =>
    (
      await e2e.database.pool.query<{ reason: string }>(
        'select reason from skipped_messages where gmail_message_id = $1',
        [id],
      )
    ).rows[0]?.reason;

  it('when a domain is never logged, then its mail leaves every mailbox of the org (not another org), new mail is not logged, and lifting it brings the mail back', async () => {
    const blocked = await e2e.deliver(OWNER, rawMail({ from: 'ana@blocked.test', to: OWNER }));
    const elsewhere = await e2e.deliver(
      OTHER_OWNER,
      rawMail({ from: 'ana@blocked.test', to: OTHER_OWNER }),
    );
    const kept = await e2e.deliver(OWNER, rawMail({ from: 'bia@client.test', to: OWNER }));
    await waitForLogged(e2e, [blocked.id, elsewhere.id, kept.id], {
      timeoutMs: 30_000,
      what: 'the first mails',
    });

    expect(
      (await settings({ never_log: { domains: ['x.test'], addresses: [] } }, REP)).status,
    ).toBe(403);
    expect(
      (await settings({ never_log: { domains: ['not a domain'], addresses: [] } })).status,
    ).toBe(400);
    const res = await settings({ never_log: { domains: ['Blocked.TEST'], addresses: [] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      never_log: { domains: ['blocked.test'], addresses: [] },
    });
    expect(await loggedCount(e2e, [blocked.id])).toBe(0);
    expect(await loggedCount(e2e, [elsewhere.id, kept.id])).toBe(2);
    const { rows: removed } = await e2e.database.pool.query(
      `select payload->>'count' as n from events where org_id = $1 and type = 'activities.removed'`,
      [ORG],
    );
    expect(removed).toEqual([{ n: '1' }]);

    const again = await e2e.deliver(OWNER, rawMail({ from: 'ana@blocked.test', to: OWNER }));
    const control = await e2e.deliver(OWNER, rawMail({ from: 'bia@client.test', to: OWNER }));
    await waitForLogged(e2e, [control.id], { timeoutMs: 30_000, what: 'the control mail' });
    await waitFor(async () => (await skipReason(again.id)) === 'blocked', {
      timeoutMs: 30_000,
      what: 'the new blocked mail skipped',
    });
    expect(await loggedCount(e2e, [again.id])).toBe(0);

    expect((await settings({ never_log: { domains: [], addresses: [] } })).status).toBe(200);
    await waitForLogged(e2e, [blocked.id, again.id], {
      timeoutMs: 60_000,
      what: 'the mail back after the list was lifted',
    });
  });

  it('when max_visibility is lowered, then old mail shows no more than it and new mail keeps no more', async () => {
    const secret = 'Segredo comercial: 30% de desconto.';
    const first = await e2e.deliver(
      OWNER,
      rawMail({ from: 'bia@client.test', to: OWNER, subject: 'Preço', body: secret }),
    );
    await waitForLogged(e2e, [first.id], { timeoutMs: 30_000, what: 'the first mail' });
    const { rows } = await e2e.database.pool.query<{ id: string }>(
      'select id from activities where gmail_message_id = $1',
      [first.id],
    );
    const id = rows[0]?.id ?? '';
    const read = async () =>
      (await (await e2e.api(`/activities/${id}`, { user: REP })).json()) as {
        body_text: string;
        email_subject: string;
        title: string;
        visibility: string;
      };
    expect((await read()).body_text).toContain(secret);

    expect((await settings({ max_visibility: 'subject' })).status).toBe(200);
    expect(await read()).toMatchObject({
      body_text: '',
      email_subject: 'Preço',
      visibility: 'subject',
    });
    const next = await e2e.deliver(
      OWNER,
      rawMail({ from: 'bia@client.test', to: OWNER, subject: 'Preço 2', body: secret }),
    );
    await waitForLogged(e2e, [next.id], { timeoutMs: 30_000, what: 'the next mail' });
    const { rows: stored } = await e2e.database.pool.query(
      `select content->>'body' as body, content->>'visibility' as visibility
         from activities where gmail_message_id = $1`,
      [next.id],
    );
    expect(stored).toEqual([{ body: '', visibility: 'subject' }]);

    expect((await settings({ max_visibility: 'metadata' })).status).toBe(200);
    expect(await read()).toMatchObject({ title: 'Email', email_subject: '', body_text: '' });
  });
});
