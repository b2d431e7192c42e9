import { describe, expect, it } from 'vitest';
import { listSenderOf } from '../../src/crm/list-senders.ts';
import type { ParsedMail } from '../../src/mail/parse-message.ts';

const OWNER = ['rep@vendor.test'];

function mail(overrides: Partial<ParsedMail>): ParsedMail {
  return {
    gmailId: 'm1',
    threadId: 't1',
    labelIds: ['INBOX'],
    historyId: null,
    messageIdHeader: null,
    inReplyTo: null,
    references: [],
    subject: 's',
    from: { name: 'Ana', email: 'ana@client.test' },
    to: [{ name: '', email: 'vendas@vendor.test' }],
    cc: [],
    bcc: [],
    replyTo: [],
    date: new Date(),
    bodyText: '',
    bodyTruncated: false,
    attachments: [],
    snippet: '',
    ...overrides,
  };
}

describe('the address a list writes under', () => {
  it('when a group rewrote From (X-Original-From), then the From address is the list', () => {
    const m = mail({
      from: { name: "'Ana' via Vendas", email: 'vendas@vendor.test' },
      listId: '<vendas.vendor.test>',
      originalFrom: { name: 'Ana', email: 'ana@client.test' },
    });
    expect(listSenderOf(m, OWNER)).toBe('vendas@vendor.test');
  });

  it('when a post keeps its sender, then the list is its List-Post address', () => {
    const m = mail({ listId: '<vendas.vendor.test>', listPost: 'vendas@vendor.test' });
    expect(listSenderOf(m, OWNER)).toBe('vendas@vendor.test');
  });

  it('when the mail has no list headers, or the address is the owner or not a plain token, then none', () => {
    expect(listSenderOf(mail({}), OWNER)).toBeNull();
    expect(listSenderOf(mail({ listId: '<x>', listPost: 'rep@vendor.test' }), OWNER)).toBeNull();
    expect(listSenderOf(mail({ listId: '<x>', listPost: '-x@evil.test' }), OWNER)).toBeNull();
    expect(listSenderOf(mail({ listId: '<x>', listPost: 'in:spam@x.test' }), OWNER)).toBeNull();
  });
});
