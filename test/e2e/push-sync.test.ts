import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeSessionLocks } from '../../src/db/session-locks.ts';
import { syncJobKey, syncLockName } from '../../src/queue/job-names.ts';
import { addContact, addDeal, addLead } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-push';
const user = { sub: 'user-sales', org: ORG, name: 'Sales Rep' };
const OWNER = 'rep@vendor.test';

interface Activity {
  id: string;
  entity_type: string;
  entity_id: string;
  title: string;
  description: string;
  email_subject: string;
  email_direction: string;
  created_by: string;
  created_by_name: string;
  created_at: string;
  content: {
    gmail_message_id: string;
    from: string;
    to: string[];
    cc: string[];
    body: string;
    thread_id: string;
  };
  links: { entity_type: string; entity_id: string }[];
}

describe('push to activity', () => {
  let e2e: E2E;
  let contactId: string;
  let leadId: string;
  let openDealId: string;
  let lostDealId: string;

  beforeAll(async () => {
    e2e = await startE2E();
    const db = e2e.deps.database.db;
    contactId = await addContact(db, ORG, 'Carla Client', 'carla@client.test');
    leadId = await addLead(db, ORG, 'Luis Lead', 'Luis.Lead@Prospect.test');
    openDealId = await addDeal(db, ORG, 'Big deal', { contactId });
    lostDealId = await addDeal(db, ORG, 'Old deal', { contactId, stage: 'lost' });
    await addContact(db, 'other-org', 'Stranger', 'stranger@elsewhere.test');
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    await waitForIdle(e2e);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  async function activitiesOf(entityType: string, entityId: string): Promise<Activity[]> {
    const res = await e2e.api(
      `/activities?entity_type=${entityType}&entity_id=${entityId}&limit=200`,
      { user },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Activity[] }).items;
  }

  /** Delivers `count` mails from the contact and waits until all are logged. */
  async function deliverAndWait(
    label: string,
    count: number,
    timeoutMs: number,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const raw = rawMail({ from: 'carla@client.test', to: OWNER, subject: `${label} ${i}` });
      ids.push((await e2e.deliver(OWNER, raw)).id);
    }
    await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          'select count(*)::int as n from activities where gmail_message_id = any($1)',
          [ids],
        );
        return rows[0].n === count;
      },
      { timeoutMs, what: `${count} ${label} mails logged` },
    );
    return ids;
  }

  async function logged(gmailId: string): Promise<Activity> {
    return waitFor(
      async () => {
        for (const [type, id] of [
          ['contact', contactId],
          ['lead', leadId],
        ] as const) {
          const found = (await activitiesOf(type, id)).find(
            (a) => a.content.gmail_message_id === gmailId,
          );
          if (found) return found;
        }
        return undefined;
      },
      { what: `activity for ${gmailId}` },
    );
  }

  it('when a contact with an open deal writes, then one received activity is linked to the contact and the open deal only', async () => {
    const raw = rawMail({
      from: 'Carla Client <carla@client.test>',
      to: OWNER,
      subject: 'Proposal review',
      body: 'Hello, here are my comments on the proposal.',
    });
    const { id, threadId } = await e2e.deliver(OWNER, raw);
    const activity = await logged(id);
    expect(activity).toMatchObject({
      entity_type: 'contact',
      entity_id: contactId,
      title: 'Email: Proposal review',
      email_subject: 'Proposal review',
      email_direction: 'received',
      description: 'Hello, here are my comments on the proposal.',
      created_by: user.sub,
      created_by_name: 'Gmail Sync',
      content: {
        gmail_message_id: id,
        thread_id: threadId,
        from: 'Carla Client <carla@client.test>',
        to: [OWNER],
      },
    });
    expect(activity.links).toEqual(
      expect.arrayContaining([
        { entity_type: 'contact', entity_id: contactId },
        { entity_type: 'deal', entity_id: openDealId },
      ]),
    );
    expect(activity.links).toHaveLength(2);
    expect(await activitiesOf('deal', lostDealId)).toHaveLength(0);
    expect((await activitiesOf('deal', openDealId)).map((a) => a.id)).toContain(activity.id);
  });

  it("when a lead is Cc'd in another letter case, then the mail is linked to the lead", async () => {
    const { id } = await e2e.deliver(
      OWNER,
      rawMail({
        from: 'someone@unknown.test',
        to: OWNER,
        cc: 'LUIS.LEAD@prospect.TEST',
        subject: 'Intro',
      }),
    );
    const activity = await logged(id);
    expect(activity).toMatchObject({
      entity_type: 'lead',
      entity_id: leadId,
      email_direction: 'received',
    });
  });

  it('when the user sends from Gmail itself, then it is logged as sent', async () => {
    const { id } = await e2e.deliver(
      OWNER,
      rawMail({ from: `Sales Rep <${OWNER}>`, to: 'carla@client.test', subject: 'Follow-up' }),
      ['SENT'],
    );
    const activity = await logged(id);
    expect(activity).toMatchObject({
      email_direction: 'sent',
      title: 'Email sent: Follow-up',
      entity_id: contactId,
    });
  });

  it('when mail is unmatched, from another org, a draft, spam or from a blocked domain, then nothing is stored', async () => {
    await e2e.api('/integrations/gmail/settings', {
      user,
      method: 'PUT',
      body: JSON.stringify({ blocked_domains: ['prospect.test'] }),
    });
    const skipped = [
      await e2e.deliver(OWNER, rawMail({ from: 'nobody@unknown.test', to: OWNER })),
      await e2e.deliver(OWNER, rawMail({ from: 'stranger@elsewhere.test', to: OWNER })),
      await e2e.deliver(OWNER, rawMail({ from: OWNER, to: 'carla@client.test' }), ['DRAFT']),
      await e2e.deliver(OWNER, rawMail({ from: 'carla@client.test', to: OWNER }), ['SPAM']),
      await e2e.deliver(OWNER, rawMail({ from: 'luis.lead@prospect.test', to: OWNER })),
    ];
    // A matched mail delivered after them proves the sync has passed them.
    const marker = await e2e.deliver(
      OWNER,
      rawMail({ from: 'carla@client.test', to: OWNER, subject: 'marker' }),
    );
    await logged(marker.id);
    const { rows } = await e2e.database.pool.query(
      'select gmail_message_id from activities where gmail_message_id = any($1)',
      [skipped.map((s) => s.id)],
    );
    expect(rows).toEqual([]);
    await e2e.api('/integrations/gmail/settings', {
      user,
      method: 'PUT',
      body: JSON.stringify({ blocked_domains: [] }),
    });
  });

  it('when another process is syncing the mailbox, then this sync waits its turn and the mail is still logged', async () => {
    const { rows } = await e2e.database.pool.query('select id from mailboxes where email = $1', [
      OWNER,
    ]);
    const otherProcess = makeSessionLocks({ connectionString: e2e.database.url });
    try {
      // The last test's trailing sync may still hold it: taken as soon as it is free.
      const release = await waitFor(() => otherProcess.tryLock(syncLockName(rows[0].id)), {
        what: "the mailbox's sync lock free",
      });
      expect(release).toBeTypeOf('function');
      const raw = rawMail({ from: 'carla@client.test', to: OWNER, subject: 'While busy' });
      const { id } = await e2e.deliver(OWNER, raw);
      // The proof that the sync found the mailbox busy: it queued itself again for later (a push's
      // own job is due at once; the requeued one `mailboxBusyRetryMs` on, until the lock is free).
      await waitFor(
        async () => {
          const { rows: again } = await e2e.database.pool.query(
            `select 1 from graphile_worker.jobs
              where key = $1 and locked_at is null and run_at > now()`,
            [syncJobKey(rows[0].id)],
          );
          return again.length > 0;
        },
        { timeoutMs: 30_000, what: 'the sync queued again for later' },
      );
      const early = await e2e.database.pool.query(
        'select 1 from activities where gmail_message_id = $1',
        [id],
      );
      expect(early.rows).toHaveLength(0);
      await release?.();
      expect((await logged(id)).email_subject).toBe('While busy');
    } finally {
      await otherProcess.close();
    }
  });

  it('when 20 mails arrive under duplicated and reordered pushes, then each is logged exactly once', async () => {
    await e2e.simControl('faults', {
      method: 'PUT',
      body: { push: { duplicate: 0.5, reorder: 0.5 }, seed: 7 },
    });
    const ids = await deliverAndWait('burst', 20, 20_000);
    await waitForIdle(e2e);
    const { rows } = await e2e.database.pool.query(
      'select gmail_message_id, count(*)::int as n from activities where gmail_message_id = any($1) group by 1 having count(*) > 1',
      [ids],
    );
    expect(rows).toEqual([]);
    await e2e.simControl('faults', { method: 'PUT', body: { push: { duplicate: 0, reorder: 0 } } });
  });

  it('when Gmail answers 429s and 5xx, then the sync absorbs them and logs every mail', async () => {
    await e2e.simControl('faults', {
      method: 'PUT',
      body: { error_rate: 0.3, error_codes: [429, 500, 503], seed: 3 },
    });
    await deliverAndWait('flaky', 5, 30_000);
    await e2e.simControl('faults', { method: 'PUT', body: { error_rate: 0 } });
  });

  it('when history has expired, then a bounded full sync recovers the mail and records an event', async () => {
    await e2e.worker?.stop();
    e2e.worker = undefined;
    const { id } = await e2e.deliver(
      OWNER,
      rawMail({ from: 'carla@client.test', to: OWNER, subject: 'while away' }),
    );
    await e2e.simControl(`mailboxes/${OWNER}/expire-history`, { method: 'POST' });
    e2e.worker = await e2e.startWorker();
    await logged(id);
    // The event is recorded when the full sync finishes, after the mail is stored.
    const payload = await waitFor(async () => {
      const { rows } = await e2e.database.pool.query(
        `select payload from events where type = 'mailbox.resynced'`,
      );
      return rows[0]?.payload;
    });
    expect(payload).toMatchObject({ reason: 'history_expired' });
  });
});

/** No sync job waiting or running. */
async function waitForIdle(e2e: E2E): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await e2e.database.pool.query(
        `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'sync_mailbox' and attempts < max_attempts`,
      );
      return rows[0].n === 0;
    },
    { timeoutMs: 20_000, what: 'sync jobs to finish' },
  );
}
