// A send whose connection dies after the body went out (the simulator's `send_drop_after_store`:
// Gmail stored and sent the mail, the answer never came back). It is looked up by its Message-ID
// before answering; `202 unknown` only while Gmail's search cannot say yet, resolved later by a
// job (`send.resolved`); a retry under the same Idempotency-Key never sends twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { waitFor } from '../support/wait-for.ts';
import { setFaults } from './mailbox-fixture.ts';

const ORG = 'org-send-outcome';
const user = { sub: 'user-send-outcome', org: ORG, name: 'Joana Vendas' };
const OWNER = 'joana@outcome.test';

describe('a send whose answer Gmail lost', () => {
  let e2e: E2E;
  let contactId: string;
  let n = 0;

  beforeAll(async () => {
    // Search may lag at most 3 s here: an unknown send not found by then was not sent.
    e2e = await startE2E({ env: { MATCH_SETTLE_MS: '3000' } });
    contactId = await addContact(e2e.deps.database.db, ORG, 'Carla', 'carla@client.test');
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const send = (key: string, subject = `Quote ${++n}`) =>
    e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      headers: { 'idempotency-key': key },
      body: JSON.stringify({
        to: ['carla@client.test'],
        subject,
        text: 'Here is the quote.',
        entity_type: 'contact',
        entity_id: contactId,
      }),
    });
  const sentCount = async () =>
    ((await (await e2e.simControl(`mailboxes/${OWNER}/sent`)).json()) as { messages: unknown[] })
      .messages.length;
  const activitiesOf = async (gmailId: string) =>
    (
      await e2e.database.pool.query('select id from activities where gmail_message_id = $1', [
        gmailId,
      ])
    ).rows.length;
  /** The send's resolution, brought forward to now (as if its time had come). */
  const resolveNow = () =>
    e2e.database.pool.query(
      `select graphile_worker.reschedule_jobs(array(
         select id from graphile_worker.jobs where task_identifier = 'resolve_send' and locked_at is null
       ), run_at => now())`,
    );
  const resolvedEvents = async (messageIdHeader: string) =>
    (
      await e2e.database.pool.query<{ payload: Record<string, unknown> }>(
        `select payload from events where type = 'send.resolved'
            and payload->>'message_id_header' = $1`,
        [messageIdHeader],
      )
    ).rows.map((r) => r.payload);

  it('when the answer is lost but Gmail’s search finds the mail, then the send answers 201, logs once, and a retry with the same key sends nothing', async () => {
    const before = await sentCount();
    await setFaults(e2e, { send_drop_after_store: 1 });
    const res = await send('lost-1');
    expect(res.status).toBe(201);
    const answer = (await res.json()) as {
      message_id: string;
      status: string;
      activity_id: string;
    };
    expect(answer.status).toBe('sent');
    expect(answer.activity_id).toBeTruthy();
    expect(await sentCount()).toBe(before + 1);
    expect(await activitiesOf(answer.message_id)).toBe(1);

    await e2e.resetFaults();
    const again = await send('lost-1', `Quote ${n}`);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(answer);
    expect(await sentCount()).toBe(before + 1);
  });

  it('when Gmail cannot show it yet, then 202 unknown with the Message-ID; a retry replays it; the job resolves it as sent once search sees it', async () => {
    const before = await sentCount();
    // Neither Gmail's search nor its history shows the mail yet.
    await setFaults(e2e, {
      send_drop_after_store: 1,
      search_lag_ms: 600_000,
      history_lag_ms: 600_000,
    });
    const res = await send('lost-2');
    expect(res.status).toBe(202);
    const unknown = (await res.json()) as { status: string; message_id_header: string };
    expect(unknown).toEqual({
      status: 'unknown',
      message_id_header: expect.stringMatching(/^<.+@.+>$/),
    });
    const again = await send('lost-2', `Quote ${n}`);
    expect([again.status, await again.json()]).toEqual([202, unknown]);
    expect(await sentCount()).toBe(before + 1);

    await setFaults(e2e, { search_lag_ms: 0, history_lag_ms: 0 });
    await resolveNow();
    await waitFor(async () => (await resolvedEvents(unknown.message_id_header)).length > 0, {
      timeoutMs: 15_000,
      what: 'the send resolved',
    });
    const [event] = await resolvedEvents(unknown.message_id_header);
    expect(event).toMatchObject({ status: 'sent', message_id: expect.any(String) });
    expect(await activitiesOf(String(event?.message_id))).toBe(1);
    // The retry now gets the send's own answer, and still nothing is sent again.
    const later = await send('lost-2', `Quote ${n}`);
    expect(later.status).toBe(201);
    expect(await later.json()).toMatchObject({
      status: 'sent',
      message_id: event?.message_id,
      activity_id: event?.activity_id,
    });
    expect(await sentCount()).toBe(before + 1);
  });

  it('when Gmail failed with the mail never stored and search never finds it, then the job resolves it as not sent', async () => {
    const before = await sentCount();
    // A 500 before Gmail stored anything: from outside, the same doubt as a lost answer.
    await setFaults(e2e, { error_rate: 1, error_codes: [500] });
    const res = await send('lost-3');
    expect(res.status).toBe(202);
    const { message_id_header } = (await res.json()) as { message_id_header: string };
    await e2e.resetFaults();
    expect(await sentCount()).toBe(before);

    await waitFor(
      async () => {
        await resolveNow();
        return (await resolvedEvents(message_id_header)).length > 0;
      },
      { timeoutMs: 20_000, what: 'the send resolved as not sent' },
    );
    expect(await resolvedEvents(message_id_header)).toEqual([
      expect.objectContaining({ status: 'not_sent', message_id: null }),
    ]);
    const later = await send('lost-3', `Quote ${n}`);
    expect(later.status).toBe(502);
    expect(await later.json()).toMatchObject({
      error: { code: 'send_failed', message_id_header },
    });
    expect(await sentCount()).toBe(before);
  });
});
