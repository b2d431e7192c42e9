// Which history records call for a `messages.get`, as Gmail lists them
// (https://developers.google.com/gmail/api/reference/rest/v1/users.history/list).
import type { gmail_v1 } from '@googleapis/gmail';
import { describe, expect, it } from 'vitest';
import type { MailboxSettings } from '../../src/db/schema.ts';
import { candidateIds, removedIds } from '../../src/ingest/history-candidates.ts';

const settings: MailboxSettings = {
  excluded_labels: ['Label_7'],
  blocked_domains: [],
  blocked_addresses: [],
  log_internal: false,
};
const msg = (id: string, labelIds: string[]) => ({ id, threadId: id, labelIds });
let next = 100;
const record = (change: Partial<gmail_v1.Schema$History>): gmail_v1.Schema$History => ({
  id: String(++next),
  ...change,
});

describe('history candidates', () => {
  it('when a new message arrives in the inbox, then it is fetched', () => {
    const records = [record({ messagesAdded: [{ message: msg('a', ['INBOX', 'UNREAD']) }] })];
    expect(candidateIds(records, settings)).toEqual(['a']);
  });

  it('when Gmail or the user only archives, stars or marks read, then nothing is fetched', () => {
    const records = [
      record({
        labelsRemoved: [{ message: msg('a', ['STARRED']), labelIds: ['INBOX', 'UNREAD'] }],
      }),
    ];
    expect(candidateIds(records, settings)).toEqual([]);
  });

  it('when mail leaves spam, the trash or an excluded label, then it is fetched', () => {
    const records = [
      record({ labelsRemoved: [{ message: msg('s', ['INBOX']), labelIds: ['SPAM'] }] }),
      record({ labelsRemoved: [{ message: msg('t', []), labelIds: ['TRASH'] }] }),
      record({ labelsRemoved: [{ message: msg('x', ['INBOX']), labelIds: ['Label_7'] }] }),
    ];
    expect(candidateIds(records, settings)).toEqual(['s', 't', 'x']);
  });

  it('when mail leaves spam for the trash, then it is not fetched (its labels still keep it out)', () => {
    const records = [
      record({ labelsRemoved: [{ message: msg('s', ['TRASH']), labelIds: ['SPAM'] }] }),
    ];
    expect(candidateIds(records, settings)).toEqual([]);
  });

  it('when mail arrives and is deleted within the same listing, then it is not fetched', () => {
    const records = [
      record({ messagesAdded: [{ message: msg('d', ['INBOX']) }] }),
      record({ messagesDeleted: [{ message: { id: 'd', threadId: 'd' } }] }),
    ];
    expect(candidateIds(records, settings)).toEqual([]);
  });

  it('when mail arrives in spam and is rescued within the same listing, then it is fetched once', () => {
    const records = [
      record({ messagesAdded: [{ message: msg('r', ['SPAM']) }] }),
      record({ labelsRemoved: [{ message: msg('r', ['INBOX']), labelIds: ['SPAM'] }] }),
    ];
    expect(candidateIds(records, settings)).toEqual(['r']);
  });

  const removing: MailboxSettings = { ...settings, on_gmail_delete: 'remove' };

  it('when the mailbox removes on delete and mail is trashed, starred or deleted, then the trashed and deleted mail is removed and nothing is fetched', () => {
    const records = [
      record({ labelsAdded: [{ message: msg('t', ['TRASH']), labelIds: ['TRASH'] }] }),
      record({ labelsAdded: [{ message: msg('s', ['INBOX', 'STARRED']), labelIds: ['STARRED'] }] }),
      record({ messagesDeleted: [{ message: { id: 'd', threadId: 'd' } }] }),
    ];
    expect(candidateIds(records, removing)).toEqual([]);
    expect(removedIds(records, removing)).toEqual(['t', 'd']);
    expect(removedIds(records, settings)).toEqual([]);
  });

  it('when mail is trashed and taken out of the trash within the same listing, then it is not removed but fetched', () => {
    const records = [
      record({ labelsAdded: [{ message: msg('u', ['TRASH']), labelIds: ['TRASH'] }] }),
      record({ labelsRemoved: [{ message: msg('u', []), labelIds: ['TRASH'] }] }),
    ];
    expect(removedIds(records, removing)).toEqual([]);
    expect(candidateIds(records, removing)).toEqual(['u']);
  });
});
