// Drafts as Gmail's own interface saves them: every autosave a new message id, with history and a
// push; sending turns the last version into the sent mail.
import { PubSub } from '@google-cloud/pubsub';
import type { gmail_v1 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { control, failure, faults, gmailFor } from '../support/sim-gmail.ts';

const OWNER = 'drafts@sim.test';
const draftRaw = (body: string) =>
  `From: ${OWNER}\r\nTo: buyer@client.test\r\nSubject: Proposal\r\n\r\n${body}`;

interface Draft {
  draft_id: string;
  id: string;
}

describe('the simulated Gmail, saving drafts as Gmail autosaves them', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, OWNER));
    await faults(sim, { quota_units_per_sec: 1_000_000, push: { per_user_per_sec: 0 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when a draft is saved three times, then each save is a new message id: the new one added with DRAFT, the old one deleted', async () => {
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const first = (await control(sim, 'POST', `mailboxes/${OWNER}/drafts`, {
      raw: draftRaw('Hi'),
    })) as Draft;
    const second = (await control(sim, 'PUT', `mailboxes/${OWNER}/drafts/${first.draft_id}`, {
      raw: draftRaw('Hi Bea, the'),
    })) as Draft;
    const third = (await control(sim, 'PUT', `mailboxes/${OWNER}/drafts/${first.draft_id}`, {
      raw: draftRaw('Hi Bea, the proposal attached.'),
    })) as Draft;
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);
    expect(second.draft_id).toBe(first.draft_id);

    const records = (await gmail.users.history.list({ userId: 'me', startHistoryId: start })).data
      .history;
    const changes = (records ?? []).map((r) => ({
      added: r.messagesAdded?.map((a) => [a.message?.id, a.message?.labelIds]),
      deleted: r.messagesDeleted?.map((d) => d.message?.id),
    }));
    expect(changes).toEqual([
      { added: [[first.id, ['DRAFT']]], deleted: undefined },
      { added: [[second.id, ['DRAFT']]], deleted: undefined },
      { added: undefined, deleted: [first.id] },
      { added: [[third.id, ['DRAFT']]], deleted: undefined },
      { added: undefined, deleted: [second.id] },
    ]);
    expect(await failure(gmail.users.messages.get({ userId: 'me', id: first.id }))).toMatchObject({
      status: 404,
    });
    const latest = await gmail.users.messages.get({ userId: 'me', id: third.id, format: 'raw' });
    expect(Buffer.from(latest.data.raw ?? '', 'base64url').toString()).toContain(
      'the proposal attached.',
    );
  });

  it('when a draft is sent, then its last version becomes the sent mail: DRAFT removed and SENT added in one record', async () => {
    const draft = (await control(sim, 'POST', `mailboxes/${OWNER}/drafts`, {
      raw: draftRaw('Final terms'),
    })) as Draft;
    const before = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const sent = (await control(
      sim,
      'POST',
      `mailboxes/${OWNER}/drafts/${draft.draft_id}/send`,
    )) as { id: string; labelIds: string[] };
    expect(sent).toMatchObject({ id: draft.id, labelIds: ['SENT'] });

    const records =
      (await gmail.users.history.list({ userId: 'me', startHistoryId: before })).data.history ?? [];
    expect(records).toHaveLength(1);
    expect(records[0]?.labelsAdded?.[0]).toMatchObject({
      message: { id: draft.id, labelIds: ['SENT'] },
      labelIds: ['SENT'],
    });
    expect(records[0]?.labelsRemoved?.[0]?.labelIds).toEqual(['DRAFT']);
    // The draft is gone: saving or sending it again is refused.
    await expect(
      control(sim, 'POST', `mailboxes/${OWNER}/drafts/${draft.draft_id}/send`),
    ).rejects.toThrow(/404/);
  });

  it('when a watched mailbox saves a draft, then the watch is notified of each save', async () => {
    const pubsub = new PubSub({ projectId: 'sim', apiEndpoint: sim.hostPort, emulatorMode: true });
    const [topic] = await pubsub.createTopic('drafts');
    await topic.iam.setPolicy({
      bindings: [
        {
          role: 'roles/pubsub.publisher',
          members: ['serviceAccount:gmail-api-push@system.gserviceaccount.com'],
        },
      ],
    });
    const [subscription] = await topic.createSubscription('drafts-pull');
    await gmail.users.watch({
      userId: 'me',
      requestBody: { topicName: 'projects/sim/topics/drafts' },
    });
    const heard: string[] = [];
    subscription.on('message', (m) => {
      m.ack();
      heard.push((JSON.parse(m.data.toString()) as { historyId: string }).historyId);
    });
    const draft = (await control(sim, 'POST', `mailboxes/${OWNER}/drafts`, {
      raw: draftRaw('a'),
    })) as Draft;
    await control(sim, 'PUT', `mailboxes/${OWNER}/drafts/${draft.draft_id}`, {
      raw: draftRaw('ab'),
    });
    const current = Number((await gmail.users.getProfile({ userId: 'me' })).data.historyId);
    // The save and the deletion of its old version: three changes, three notifications.
    await expect.poll(() => heard.length, { timeout: 5_000 }).toBe(3);
    expect(Math.max(...heard.map(Number))).toBe(current);
    await subscription.close();
    await pubsub.close();
  });

  it('when a draft id is unknown or the raw is missing, then the control API says so', async () => {
    await expect(
      control(sim, 'PUT', `mailboxes/${OWNER}/drafts/r123`, { raw: draftRaw('x') }),
    ).rejects.toThrow(/404/);
    await expect(control(sim, 'POST', `mailboxes/${OWNER}/drafts`, {})).rejects.toThrow(/400/);
  });
});
