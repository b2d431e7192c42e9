// Mail accepted past Gmail's daily sending limit and then bounced: Gmail's delivery-status
// notification arrives in the sender's mailbox and the CRM sees the activity bounced.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-bounce';
const user = { sub: 'user-bounce', org: ORG, name: 'Rita Vendas' };
const OWNER = 'rita@vendor.test';

describe('a sent mail that bounces', () => {
  let e2e: E2E;
  let contactId: string;

  beforeAll(async () => {
    e2e = await startE2E();
    contactId = await addContact(e2e.deps.database.db, ORG, 'Bruno', 'bruno@client.test');
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const send = (subject: string) =>
    e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      headers: { 'idempotency-key': `bounce-${subject.length}-${subject.at(-1)}` },
      body: JSON.stringify({ to: ['bruno@client.test'], subject, text: 'Segue a proposta.' }),
    });
  const timeline = async () => {
    const res = await e2e.api(`/activities?entity_type=contact&entity_id=${contactId}&limit=50`, {
      user,
    });
    return ((await res.json()) as { items: { id: string; status: string }[] }).items;
  };

  it('when a send past the limit is accepted and Gmail’s bounce arrives, then that activity shows bounced, one event tells the CRM, and the bounce is not logged', async () => {
    await e2e.simControl('faults', {
      method: 'PUT',
      // Gmail's one-notification-a-second limit would drop the bounce's push among the sends'
      // (item 10, handled elsewhere): lifted here so this test is about bounces alone.
      body: {
        quota_units_per_sec: 1_000_000,
        send_daily_limit: 1,
        send_limit_grace: 1,
        push: { per_user_per_sec: 0 },
      },
    });
    const first = await send('Proposta 1');
    expect(first.status).toBe(201);
    const delivered = (await first.json()) as { activity_id: string };
    const second = await send('Proposta 2');
    expect(second.status).toBe(201);
    const bounced = (await second.json()) as { activity_id: string };

    const items = await waitFor(
      async () => {
        const list = await timeline();
        return list.find((a) => a.id === bounced.activity_id)?.status === 'bounced' && list;
      },
      { timeoutMs: 20_000, what: 'the bounced activity' },
    );
    expect(items.map((a) => [a.id, a.status]).sort()).toEqual(
      [
        [delivered.activity_id, 'logged'],
        [bounced.activity_id, 'bounced'],
      ].sort(),
    );
    const { rows } = await e2e.database.pool.query(
      `select payload->>'activity_id' as activity_id from events where type = 'activity.bounced'`,
    );
    expect(rows).toEqual([{ activity_id: bounced.activity_id }]);
    const notices = await e2e.database.pool.query(
      `select count(*)::int as n from activities where content->>'from' ilike '%mailer-daemon%'`,
    );
    expect(notices.rows[0].n).toBe(0);
  });
});
