// The timing faults are read at request time, so lowering one stands for the time passing: no test
// here waits on the clock.
import type { OAuth2Client } from 'google-auth-library';
import type { gmail_v1 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { deliver, failure, faults, gmailFor } from '../support/sim-gmail.ts';

const OWNER = 'timing@sim.test';
const MINUTE = 60_000;

describe('the simulated Gmail, lagging as Google does', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  let auth: OAuth2Client;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail, auth } = await gmailFor(sim, OWNER));
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when a message has just arrived, then get answers 404 (alone and in a batch) until new_message_404_ms has passed', async () => {
    await faults(sim, { reset: true, quota_units_per_sec: 1_000_000, new_message_404_ms: MINUTE });
    const { id } = await deliver(sim, OWNER, 'Subject: fresh\r\n\r\nx');
    expect(await failure(gmail.users.messages.get({ userId: 'me', id }))).toMatchObject({
      status: 404,
      message: 'Requested entity was not found.',
    });
    const { token } = await auth.getAccessToken();
    const body = `--b\r\nContent-Type: application/http\r\nContent-ID: <1>\r\n\r\nGET /gmail/v1/users/me/messages/${id}?format=minimal\r\n\r\n--b--\r\n`;
    const batch = await fetch(`${sim.baseUrl}/batch/gmail/v1`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'multipart/mixed; boundary=b',
      },
      body,
    });
    expect(await batch.text()).toContain('HTTP/1.1 404');

    await faults(sim, { new_message_404_ms: 0 });
    expect((await gmail.users.messages.get({ userId: 'me', id })).data.id).toBe(id);
  });

  it('when history lags, then a record is listed only after history_lag_ms, and the answer’s historyId stays below it', async () => {
    await faults(sim, { reset: true, quota_units_per_sec: 1_000_000 });
    await faults(sim, { history_lag_ms: MINUTE });
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const late = await deliver(sim, OWNER, 'Subject: late\r\n\r\nx');
    const lagging = await gmail.users.history.list({ userId: 'me', startHistoryId: start });
    expect(lagging.data.history).toBeUndefined();
    expect(Number(lagging.data.historyId)).toBeLessThan(Number(late.historyId));

    // A client that moved its cursor to the answer's historyId still finds the record later.
    await faults(sim, { history_lag_ms: 0 });
    const caught = await gmail.users.history.list({
      userId: 'me',
      startHistoryId: lagging.data.historyId ?? '',
    });
    expect(caught.data.history?.map((h) => h.messagesAdded?.[0]?.message?.id)).toEqual([late.id]);
  });

  it('when search lags, then list with q misses a new message that list without q and get already show', async () => {
    await faults(sim, { reset: true, quota_units_per_sec: 1_000_000, search_lag_ms: MINUTE });
    const { id } = await deliver(
      sim,
      OWNER,
      'From: lead@client.test\r\nSubject: new lead\r\n\r\nx',
    );
    const ids = async (q?: string) =>
      (
        (await gmail.users.messages.list({ userId: 'me', ...(q ? { q } : {}) })).data.messages ?? []
      ).map((m) => m.id);
    expect(await ids('from:lead@client.test')).toEqual([]);
    expect(await ids()).toContain(id);
    expect((await gmail.users.messages.get({ userId: 'me', id })).data.id).toBe(id);

    await faults(sim, { search_lag_ms: 0 });
    expect(await ids('from:lead@client.test')).toEqual([id]);
  });
});
