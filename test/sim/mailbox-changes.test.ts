import { PubSub } from '@google-cloud/pubsub';
import type { gmail_v1 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { control, deliver, failure, faults, gmailFor } from '../support/sim-gmail.ts';

const OWNER = 'changes@sim.test';
const READ = 'https://www.googleapis.com/auth/gmail.readonly';
const MODIFY = 'https://www.googleapis.com/auth/gmail.modify';
const FULL = 'https://mail.google.com/';

describe('the simulated Gmail, changing mail after delivery', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, OWNER, [READ, MODIFY]));
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await sim.close();
  });
  const history = async (
    startHistoryId: string,
    extra: Partial<gmail_v1.Params$Resource$Users$History$List> = {},
  ) =>
    (await gmail.users.history.list({ userId: 'me', startHistoryId, ...extra })).data.history ?? [];

  it('when a message is relabelled, trashed and untrashed, then history lists labelsAdded and labelsRemoved as Gmail does', async () => {
    const { id, threadId, historyId: start } = await deliver(sim, OWNER, 'Subject: a\r\n\r\nx');
    const modified = await gmail.users.messages.modify({
      userId: 'me',
      id,
      requestBody: { addLabelIds: ['STARRED'], removeLabelIds: ['UNREAD'] },
    });
    expect(modified.data).toEqual({ id, threadId, labelIds: ['INBOX', 'STARRED'] });
    const trashed = await gmail.users.messages.trash({ userId: 'me', id });
    expect(trashed.data.labelIds).toEqual(['STARRED', 'TRASH']);
    const untrashed = await gmail.users.messages.untrash({ userId: 'me', id });
    expect(untrashed.data.labelIds).toEqual(['STARRED']);

    const records = await history(start);
    expect(
      records.map(({ labelsAdded, labelsRemoved }) => ({ labelsAdded, labelsRemoved })),
    ).toEqual([
      {
        labelsAdded: [
          { message: { id, threadId, labelIds: ['INBOX', 'STARRED'] }, labelIds: ['STARRED'] },
        ],
        labelsRemoved: [
          { message: { id, threadId, labelIds: ['INBOX', 'STARRED'] }, labelIds: ['UNREAD'] },
        ],
      },
      {
        labelsAdded: [
          { message: { id, threadId, labelIds: ['STARRED', 'TRASH'] }, labelIds: ['TRASH'] },
        ],
        labelsRemoved: [
          { message: { id, threadId, labelIds: ['STARRED', 'TRASH'] }, labelIds: ['INBOX'] },
        ],
      },
      {
        labelsAdded: undefined,
        labelsRemoved: [{ message: { id, threadId, labelIds: ['STARRED'] }, labelIds: ['TRASH'] }],
      },
    ]);
    // Filters keep only what was asked for.
    const added = await history(start, { historyTypes: ['labelAdded'] });
    expect(added.map((h) => [h.labelsAdded?.[0]?.labelIds, h.labelsRemoved])).toEqual([
      [['STARRED'], undefined],
      [['TRASH'], undefined],
    ]);
    expect((await history(start, { labelId: 'TRASH' })).length).toBe(2);
    const trash = await gmail.users.messages.list({ userId: 'me', q: 'in:trash' });
    expect(trash.data.messages).toBeUndefined();
  });

  it('when Gmail relabels, rescues from spam, trashes and deletes through the control API, then history shows each', async () => {
    const spam = await deliver(sim, OWNER, 'Subject: promo\r\n\r\nx', ['SPAM', 'UNREAD']);
    await control(sim, 'POST', `mailboxes/${OWNER}/messages/${spam.id}/labels`, {
      add: ['INBOX', 'IMPORTANT', 'CATEGORY_UPDATES'],
      remove: ['SPAM'],
    });
    await control(sim, 'POST', `mailboxes/${OWNER}/messages/${spam.id}/trash`);
    await control(sim, 'POST', `mailboxes/${OWNER}/messages/${spam.id}/untrash`);
    await control(sim, 'DELETE', `mailboxes/${OWNER}/messages/${spam.id}`);
    const records = await history(spam.historyId);
    expect(records.map((h) => h.labelsAdded?.[0]?.labelIds)).toEqual([
      ['INBOX', 'IMPORTANT', 'CATEGORY_UPDATES'],
      ['TRASH'],
      undefined,
      undefined,
    ]);
    expect(records.at(-1)?.messagesDeleted).toEqual([
      { message: { id: spam.id, threadId: spam.threadId } },
    ]);
    expect(await failure(gmail.users.messages.get({ userId: 'me', id: spam.id }))).toMatchObject({
      status: 404,
    });
    expect(await history(spam.historyId, { historyTypes: ['messageDeleted'] })).toHaveLength(1);
  });

  it('when delete is called with gmail.modify, then 403; with full mail access, the message is gone', async () => {
    const { id, historyId } = await deliver(sim, OWNER, 'Subject: gone\r\n\r\nx');
    expect(await failure(gmail.users.messages.delete({ userId: 'me', id }))).toMatchObject({
      status: 403,
      message: 'Request had insufficient authentication scopes.',
    });
    const { gmail: full } = await gmailFor(sim, OWNER, [FULL]);
    await full.users.messages.delete({ userId: 'me', id });
    expect((await history(historyId)).map((h) => h.messagesDeleted?.[0]?.message?.id)).toEqual([
      id,
    ]);
    expect(
      await failure(gmail.users.messages.modify({ userId: 'me', id, requestBody: {} })),
    ).toMatchObject({
      status: 404,
    });
  });

  it('when several messages are batch-modified, then each gets its own history record', async () => {
    const a = await deliver(sim, OWNER, 'Subject: b1\r\n\r\nx');
    const b = await deliver(sim, OWNER, 'Subject: b2\r\n\r\nx');
    await gmail.users.messages.batchModify({
      userId: 'me',
      requestBody: { ids: [a.id, b.id], removeLabelIds: ['INBOX'] },
    });
    const records = await history(b.historyId, { historyTypes: ['labelRemoved'] });
    expect(records.map((h) => h.labelsRemoved?.[0]?.message?.id)).toEqual([a.id, b.id]);
    expect(
      await failure(
        gmail.users.messages.modify({
          userId: 'me',
          id: a.id,
          requestBody: { addLabelIds: ['NOPE'] },
        }),
      ),
    ).toMatchObject({
      status: 400,
      message: 'Invalid label: NOPE',
    });
  });

  it('when a label changes through the control API, then the watch is notified with its historyId', async () => {
    const pubsub = new PubSub({ projectId: 'sim', apiEndpoint: sim.hostPort, emulatorMode: true });
    const [topic] = await pubsub.createTopic('changes');
    await topic.iam.setPolicy({
      bindings: [
        {
          role: 'roles/pubsub.publisher',
          members: ['serviceAccount:gmail-api-push@system.gserviceaccount.com'],
        },
      ],
    });
    const [subscription] = await topic.createSubscription('changes-pull');
    await faults(sim, { push: { per_user_per_sec: 0 } });
    const { id } = await deliver(sim, OWNER, 'Subject: watched\r\n\r\nx');
    await gmail.users.watch({
      userId: 'me',
      requestBody: { topicName: 'projects/sim/topics/changes' },
    });
    const changed = (await control(sim, 'POST', `mailboxes/${OWNER}/messages/${id}/labels`, {
      add: ['IMPORTANT'],
    })) as { historyId: string };
    const heard = await new Promise<string>((resolve) => {
      subscription.on('message', (m) => {
        m.ack();
        const data = JSON.parse(m.data.toString()) as { historyId: string };
        if (data.historyId === changed.historyId) resolve(data.historyId);
      });
    });
    expect(heard).toBe(changed.historyId);
    await subscription.close();
    await pubsub.close();
  });

  it('when an alias is added, then sendAs.list answers the primary and the verified alias in Gmail’s shape', async () => {
    await control(sim, 'POST', `mailboxes/${OWNER}/send-as`, {
      email: 'Sales@Company.test',
      display_name: 'Sales',
      default: true,
    });
    const { data } = await gmail.users.settings.sendAs.list({ userId: 'me' });
    expect(data.sendAs).toEqual([
      expect.objectContaining({ sendAsEmail: OWNER, isPrimary: true, isDefault: false }),
      expect.objectContaining({
        sendAsEmail: 'sales@company.test',
        displayName: 'Sales',
        isDefault: true,
        verificationStatus: 'accepted',
      }),
    ]);
  });
});
