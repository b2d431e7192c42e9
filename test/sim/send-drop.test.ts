// A send whose answer is lost after Gmail stored the mail (`send_drop_after_store`): the client sees
// a dropped connection, yet the mail went, and Gmail's search finds it by its Message-ID.
import type { gmail_v1 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { control, faults, gmailFor } from '../support/sim-gmail.ts';

const OWNER = 'sender@sim.test';
const mail = (messageId: string) =>
  Buffer.from(
    `From: ${OWNER}\r\nTo: buyer@client.test\r\nSubject: Quote\r\nMessage-ID: <${messageId}>\r\n\r\nhello`,
  ).toString('base64url');

describe('the simulated Gmail, losing a send’s answer after the mail went', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, OWNER));
  });
  afterAll(async () => {
    await sim.close();
  });
  const byMessageId = async (id: string) =>
    (
      (await gmail.users.messages.list({ userId: 'me', q: `rfc822msgid:${id}` })).data.messages ??
      []
    ).map((m) => m.id);

  it('when send_drop_after_store is 1, then the send fails as a dropped connection, the mail is sent, and rfc822msgid: finds it', async () => {
    await faults(sim, { quota_units_per_sec: 1_000_000, send_drop_after_store: 1 });
    const error = (await gmail.users.messages
      .send({ userId: 'me', requestBody: { raw: mail('lost-answer@sim.test') } })
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as { status?: number; response?: unknown } | undefined;
    expect(error).toBeDefined();
    expect(error?.response).toBeUndefined();
    expect(error?.status).toBeUndefined();

    const sent = (await control(sim, 'GET', `mailboxes/${OWNER}/sent`)) as { messages: unknown[] };
    expect(sent.messages).toHaveLength(1);
    const found = await byMessageId('lost-answer@sim.test');
    expect(found).toHaveLength(1);
    // In angle brackets too, and nothing for another id.
    expect(await byMessageId('<lost-answer@sim.test>')).toEqual(found);
    expect(await byMessageId('other@sim.test')).toEqual([]);
  });

  it('when search lags, then rfc822msgid: cannot find the sent mail yet', async () => {
    await faults(sim, { reset: true, quota_units_per_sec: 1_000_000, search_lag_ms: 60_000 });
    await gmail.users.messages.send({ userId: 'me', requestBody: { raw: mail('fresh@sim.test') } });
    expect(await byMessageId('fresh@sim.test')).toEqual([]);
    await faults(sim, { search_lag_ms: 0 });
    expect(await byMessageId('fresh@sim.test')).toHaveLength(1);
  });
});
