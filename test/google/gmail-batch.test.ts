import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { makeGmailBatch } from '../../src/google/gmail-batch.ts';
import { classifyGoogleError } from '../../src/google/gmail-errors.ts';
import { deliver, gmailFor } from '../support/sim-gmail.ts';

describe("Gmail's batch endpoint, through the mailbox's OAuth client", () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when found and deleted messages are fetched in one batch, then each id gets its own answer in order, each charged as a call', async () => {
    const { auth } = await gmailFor(sim, 'batch@vendor.test');
    const first = await deliver(sim, 'batch@vendor.test', 'Subject: one\r\n\r\nbody one');
    const second = await deliver(sim, 'batch@vendor.test', 'Subject: two\r\n\r\nbody two');
    await fetch(`${sim.baseUrl}/__sim/reset-stats`, { method: 'POST' });

    const batch = makeGmailBatch(auth, `${sim.baseUrl}/`);
    const answers = await batch.getMessages([first.id, 'deleted0000', second.id], 'full');

    expect(answers.map((a) => a.id)).toEqual([first.id, 'deleted0000', second.id]);
    const [one, gone, two] = answers;
    expect(one && 'message' in one && one.message.payload?.headers).toContainEqual({
      name: 'Subject',
      value: 'one',
    });
    expect(two && 'message' in two && two.message.threadId).toBe(second.threadId);
    expect(gone && 'error' in gone && classifyGoogleError(gone.error).kind).toBe('gone');
    const stats = (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as {
      calls: Record<string, number>;
    };
    expect(stats.calls['messages.get']).toBe(3);
  });

  it('when a batch would exceed the per-user quota, then the parts past it answer 429 and are classified retryable', async () => {
    const { auth } = await gmailFor(sim, 'tight@vendor.test');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push((await deliver(sim, 'tight@vendor.test', `Subject: m${i}\r\n\r\nx`)).id);
    await fetch(`${sim.baseUrl}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reset: true, quota_profile: '2026' }),
    });
    const answers = await makeGmailBatch(auth, `${sim.baseUrl}/`).getMessages(ids, 'full');
    const limited = answers.filter(
      (a) => 'error' in a && classifyGoogleError(a.error).kind === 'retryable',
    );
    // One second's bucket (100 units) holds five gets at 20 units each.
    expect(answers.length - limited.length).toBe(5);
    expect(limited).toHaveLength(3);
  });
});
