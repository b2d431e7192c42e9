import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_TABLES, rowsNaming } from '../support/address-scan.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { waitForJobs } from '../support/linking-e2e.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { waitForIdle, waitForLogged } from './mailbox-fixture.ts';

const ORG = 'org-erase';
const A = { sub: 'rep-a', org: ORG, name: 'Rep A' };
const B = { sub: 'rep-b', org: ORG, name: 'Rep B' };
const ADMIN = { sub: 'boss', org: ORG, admin: true };
const OWNER_A = 'rep-a@vendor-e.test';
const OWNER_B = 'rep-b@vendor-e.test';
const ANA = 'ana.lima@person.test';
const CARLOS = 'carlos@client.test';

interface Receipt {
  erasure_id: string;
  email_hash: string;
  removed: Record<string, number>;
}

describe('erasing a person from the org', () => {
  let e2e: E2E;
  let anaContact: string;
  beforeAll(async () => {
    e2e = await startE2E();
    anaContact = await addContact(e2e.deps.database.db, ORG, 'Ana Lima', ANA);
    await addContact(e2e.deps.database.db, ORG, 'Carlos', CARLOS);
    expect((await e2e.connect(A, OWNER_A)).status).toBe(200);
    expect((await e2e.connect(B, OWNER_B)).status).toBe(200);
    await waitForIdle(e2e);
  });
  afterAll(async () => {
    await e2e.close();
  });

  const erase = (email: string, user: { sub: string; org: string; admin?: boolean } = ADMIN) =>
    e2e.api('/org/erasures', { user, method: 'POST', body: JSON.stringify({ email }) });
  const pool = () => e2e.database.pool;
  const naming = () => rowsNaming(pool(), ANA, { except: CRM_TABLES });
  const mailboxId = async (email: string) =>
    (await pool().query<{ id: string }>('select id from mailboxes where email = $1', [email]))
      .rows[0]?.id ?? '';

  it('when a person is erased, then no row names them, and their next mail is logged nowhere: not by sync, retroactive search or reconciliation', async () => {
    const received = await e2e.deliver(
      OWNER_A,
      rawMail({ from: `Ana Lima <${ANA}>`, to: OWNER_A, subject: 'Proposta' }),
    );
    const copied = await e2e.deliver(
      OWNER_B,
      rawMail({ from: CARLOS, to: OWNER_B, cc: `Ana <${ANA}>`, subject: 'Reunião' }),
    );
    const mention = await e2e.deliver(
      OWNER_B,
      rawMail({ from: CARLOS, to: OWNER_B, body: `Please write to ${ANA.toUpperCase()} too.` }),
    );
    await waitForLogged(e2e, [received.id, copied.id, mention.id], {
      timeoutMs: 30_000,
      what: 'the three mails logged',
    });
    const sent = await e2e.api('/integrations/gmail/send', {
      user: A,
      method: 'POST',
      headers: { 'idempotency-key': 'to-ana-1' },
      body: JSON.stringify({ to: [`Ana <${ANA}>`], subject: 'Re: Proposta', text: 'Segue.' }),
    });
    expect(sent.status).toBe(201);
    // Mail scheduled to her for tomorrow, then her address suppressed (sequences).
    const scheduled = await e2e.api('/integrations/gmail/send', {
      user: A,
      method: 'POST',
      headers: { 'idempotency-key': 'to-ana-later' },
      body: JSON.stringify({
        to: [ANA],
        subject: 'Amanhã',
        text: 'Até amanhã.',
        send_at: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    expect(scheduled.status).toBe(202);
    const suppressed = await e2e.api('/org/suppressions', {
      user: ADMIN,
      method: 'POST',
      body: JSON.stringify({ email: ANA, reason: 'manual' }),
    });
    expect(suppressed.status).toBeLessThan(300);
    // B blocks her: the blocklist names her, and the removal's event too.
    const blocked = await e2e.api('/integrations/gmail/settings', {
      user: B,
      method: 'PUT',
      body: JSON.stringify({ blocked_addresses: [ANA] }),
    });
    expect(blocked.status).toBe(200);
    const boxA = await mailboxId(OWNER_A);
    // What other paths leave behind: a dead letter naming her, mail of her thread waiting for
    // search, a retroactive search waiting to look for her.
    await pool().query(
      `insert into dead_letters (org_id, mailbox_id, source, reason, payload)
       values ($1, $2, 'message', 'parse_failed', $3)`,
      [ORG, boxA, { note: `from ${ANA}` }],
    );
    await pool().query(
      `insert into pending_matches (mailbox_id, gmail_message_id, thread_id, look_at)
       values ($1, 'pending-1', $2, now() + interval '1 hour')`,
      [boxA, received.threadId],
    );
    await pool().query(
      `select graphile_worker.add_job('retro_search', $1::json, run_at => now() + interval '1 hour')`,
      [{ mailbox_id: boxA, terms: [ANA, CARLOS] }],
    );
    expect((await naming()).length).toBeGreaterThan(4);

    const res = await erase('Ana.Lima@Person.test');
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as Receipt;
    expect(receipt.email_hash).toMatch(/^[0-9a-f]{64}$/);
    // Keyed: not the address's plain hash, which a dictionary would find.
    expect(receipt.email_hash).not.toBe(createHash('sha256').update(ANA).digest('hex'));
    expect(receipt.removed).toMatchObject({
      activities: 2,
      links: 2,
      pending: 1,
      dead_letters: 1,
      idempotency_records: 1,
      mentions_redacted: 1,
      sent_mail: 1,
      scheduled_sends: 1,
      suppressions: 1,
    });
    expect(receipt.removed.events).toBeGreaterThanOrEqual(3);
    expect(await naming()).toEqual([]);
    const { rows: jobs } = await pool().query(
      `select j.payload from graphile_worker._private_jobs j
         join graphile_worker._private_tasks t on t.id = j.task_id
        where t.identifier = 'retro_search'`,
    );
    expect(jobs.map((j) => j.payload.terms)).toEqual([[CARLOS]]);
    const { rows: redacted } = await pool().query(
      `select content->>'body' as body from activities where gmail_message_id = $1`,
      [mention.id],
    );
    expect(redacted[0]?.body).toContain('Please write to [erased] too.');
    const { rows: told } = await pool().query(
      `select payload from events where org_id = $1 and type = 'person.erased'`,
      [ORG],
    );
    expect(told).toEqual([{ payload: receipt }]);

    // Her next mail, alone and with a CRM contact on it, in both mailboxes; a control mail beside.
    const alone = await e2e.deliver(OWNER_A, rawMail({ from: ANA, to: OWNER_A }));
    const withCarlos = await e2e.deliver(
      OWNER_B,
      rawMail({ from: ANA, to: OWNER_B, cc: CARLOS, subject: 'De novo' }),
    );
    const control = await e2e.deliver(OWNER_A, rawMail({ from: CARLOS, to: OWNER_A }));
    await waitForLogged(e2e, [control.id], { timeoutMs: 30_000, what: 'the control mail' });
    await waitForIdle(e2e);
    // Fetched because Carlos is on it, then never logged; her own is not even searched for.
    await waitFor(
      async () => {
        const { rows } = await pool().query(
          `select reason from skipped_messages where gmail_message_id = $1`,
          [withCarlos.id],
        );
        return rows[0]?.reason === 'erased';
      },
      { timeoutMs: 30_000, what: 'the mail with Carlos skipped as erased' },
    );
    const { rows: logged } = await pool().query(
      'select 1 from activities where gmail_message_id = any($1)',
      [[alone.id, withCarlos.id]],
    );
    expect(logged).toEqual([]);
    // Nor a meeting she is invited to, beside one with Carlos alone.
    const meeting = async (attendees: string[], summary: string) => {
      const start = new Date(Date.now() + 86_400_000);
      const res = await e2e.simControl(`mailboxes/${OWNER_A}/calendar/events`, {
        body: {
          summary,
          start: { dateTime: start.toISOString() },
          end: { dateTime: new Date(start.getTime() + 3_600_000).toISOString() },
          attendees: attendees.map((email) => ({ email })),
        },
      });
      expect(res.status).toBe(201);
      return `calendar:${((await res.json()) as { id: string }).id}`;
    };
    const withHer = await meeting([ANA, CARLOS], 'Com Ana');
    const carlosOnly = await meeting([CARLOS], 'Só Carlos');
    await waitForLogged(e2e, [carlosOnly], { timeoutMs: 30_000, what: "Carlos's meeting" });
    expect(
      (await pool().query('select 1 from activities where gmail_message_id = $1', [withHer])).rows,
    ).toEqual([]);

    // The CRM still holds her record: a retroactive search for it finds nothing to log.
    const changed = await e2e.api('/crm/entities/changed', {
      user: A,
      method: 'POST',
      body: JSON.stringify({ entity_type: 'contact', entity_id: anaContact }),
    });
    expect(changed.status).toBe(202);
    await waitForJobs(e2e);
    // Nor does a reconciliation of either mailbox.
    for (const user of [A, B]) {
      const res = await e2e.api('/integrations/gmail/sync', {
        user,
        method: 'POST',
        body: JSON.stringify({ reconcile: true }),
      });
      expect(res.status).toBe(202);
    }
    await waitForJobs(e2e, ['reconcile_mailbox', 'sync_mailbox', 'retro_search']);
    expect(await naming()).toEqual([]);

    const again = (await (await erase(ANA)).json()) as Receipt;
    expect(again.erasure_id).toBe(receipt.erasure_id);
    expect(again.email_hash).toBe(receipt.email_hash);
    const list = (await (await e2e.api('/org/erasures', { user: ADMIN })).json()) as {
      items: (Receipt & { requested_by: string; created_at: string })[];
    };
    expect(list.items).toEqual([
      {
        erasure_id: receipt.erasure_id,
        email_hash: receipt.email_hash,
        requested_by: 'boss',
        created_at: expect.any(String),
        removed: again.removed,
      },
    ]);
  });

  it('when a non-admin or another org erases, then it is refused or stays in that org; a connected mailbox is not a person', async () => {
    expect((await erase(CARLOS, A)).status).toBe(403);
    expect((await e2e.api('/org/erasures', { user: A })).status).toBe(403);
    const other = { sub: 'boss-2', org: 'org-erase-other', admin: true };
    const theirs = (await (await erase(CARLOS, other)).json()) as Receipt;
    expect(Object.values(theirs.removed).every((n) => n === 0)).toBe(true);
    const { rows } = await pool().query(
      `select count(*)::int as n from activities where org_id = $1 and content->>'from' like $2`,
      [ORG, `%${CARLOS}%`],
    );
    expect(rows[0]?.n).toBeGreaterThan(0);
    const mine = (await (await e2e.api('/org/erasures', { user: ADMIN })).json()) as {
      items: Receipt[];
    };
    expect(mine.items.map((i) => i.email_hash)).not.toContain(theirs.email_hash);
    const own = await erase(OWNER_A);
    expect(own.status).toBe(409);
    expect(((await own.json()) as { error: { code: string } }).error.code).toBe(
      'address_connected',
    );
  });
});
