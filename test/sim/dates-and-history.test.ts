// Old mail (an internalDate in the past: deliver's `internal_date`, import's and insert's
// `internalDateSource`) and a historyId that moves with nothing listable (bump-history).
import type { gmail_v1 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { control, deliver, faults, gmailFor, SCOPES } from '../support/sim-gmail.ts';

const OWNER = 'dates@sim.test';
const INSERT = 'https://www.googleapis.com/auth/gmail.insert';
const DAY = 86_400_000;
const HEADER_DATE = 'Tue, 03 Feb 2026 10:00:00 +0000';
const dated = (subject: string) =>
  `From: old@client.test\r\nTo: ${OWNER}\r\nSubject: ${subject}\r\nDate: ${HEADER_DATE}\r\n\r\nx`;

describe('the simulated Gmail, dating mail and moving its historyId', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, OWNER, [...SCOPES, INSERT]));
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const ids = async (q: string) =>
    ((await gmail.users.messages.list({ userId: 'me', q })).data.messages ?? []).map((m) => m.id);

  it('when mail is delivered with an internal_date 40 days ago, then Gmail dates it so and date searches place it there', async () => {
    const old = Date.now() - 40 * DAY;
    const res = await fetch(`${sim.baseUrl}/__sim/mailboxes/${OWNER}/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: dated('Rescued'), internal_date: old }),
    });
    const { id } = (await res.json()) as { id: string };
    const got = await gmail.users.messages.get({ userId: 'me', id, format: 'minimal' });
    expect(got.data.internalDate).toBe(String(old));
    expect(await ids('newer_than:30d')).not.toContain(id);
    expect(await ids('older_than:30d')).toContain(id);
  });

  it('when deliver is given an internal_date that is not epoch milliseconds, then it answers 400', async () => {
    const res = await fetch(`${sim.baseUrl}/__sim/mailboxes/${OWNER}/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: dated('x'), internal_date: '2026-02-03' }),
    });
    expect(res.status).toBe(400);
  });

  it('when mail is imported or inserted, then internalDateSource picks the Date header or the time received, each with its own default', async () => {
    const raw = (subject: string) => Buffer.from(dated(subject)).toString('base64url');
    const dateOf = async (id: string | null | undefined) =>
      Number((await gmail.users.messages.get({ userId: 'me', id: id ?? '' })).data.internalDate);
    const headerTime = Date.parse(HEADER_DATE);
    const now = Date.now();

    const imported = await gmail.users.messages.import({
      userId: 'me',
      requestBody: { raw: raw('imported') },
    });
    expect(await dateOf(imported.data.id)).toBe(headerTime);
    const importedNow = await gmail.users.messages.import({
      userId: 'me',
      internalDateSource: 'receivedTime',
      requestBody: { raw: raw('imported now') },
    });
    expect(await dateOf(importedNow.data.id)).toBeGreaterThanOrEqual(now);

    const inserted = await gmail.users.messages.insert({
      userId: 'me',
      requestBody: { raw: raw('inserted') },
    });
    expect(await dateOf(inserted.data.id)).toBeGreaterThanOrEqual(now);
    const insertedDated = await gmail.users.messages.insert({
      userId: 'me',
      internalDateSource: 'dateHeader',
      requestBody: { raw: raw('inserted dated') },
    });
    expect(await dateOf(insertedDated.data.id)).toBe(headerTime);
  });

  it('when the Date header cannot be read, then dateHeader falls back to the time received', async () => {
    const now = Date.now();
    const { data } = await gmail.users.messages.import({
      userId: 'me',
      requestBody: {
        raw: Buffer.from('Subject: undated\r\nDate: someday soon\r\n\r\nx').toString('base64url'),
      },
    });
    const got = await gmail.users.messages.get({ userId: 'me', id: data.id ?? '' });
    expect(Number(got.data.internalDate)).toBeGreaterThanOrEqual(now);
  });

  it('when the historyId is bumped, then getProfile moves on and history.list lists nothing from the old id', async () => {
    const { historyId: last } = await deliver(sim, OWNER, 'Subject: before the bump\r\n\r\nx');
    const bumped = (await control(sim, 'POST', `mailboxes/${OWNER}/bump-history`, { n: 5 })) as {
      historyId: string;
    };
    expect(Number(bumped.historyId)).toBe(Number(last) + 5);
    const profile = await gmail.users.getProfile({ userId: 'me' });
    expect(profile.data.historyId).toBe(bumped.historyId);
    const listed = await gmail.users.history.list({ userId: 'me', startHistoryId: last });
    expect(listed.data.history).toBeUndefined();
    expect(Number(listed.data.historyId)).toBeGreaterThanOrEqual(Number(bumped.historyId));
  });

  it('when bump-history is given a bad count, then it answers 400', async () => {
    await expect(control(sim, 'POST', `mailboxes/${OWNER}/bump-history`, { n: 0 })).rejects.toThrow(
      /400/,
    );
  });
});
