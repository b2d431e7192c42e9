import { describe, expect, it } from 'vitest';
import { counterparts, isSent, skipReason } from '../../src/crm/mail-filter.ts';
import type { MailboxSettings } from '../../src/db/schema.ts';
import type { ParsedMail } from '../../src/mail/parse-message.ts';

const settings: MailboxSettings = {
  excluded_labels: [],
  blocked_domains: [],
  blocked_addresses: [],
  log_internal: false,
};
const OWNER = ['rep@vendor.test', 'sales@vendor-brand.test'];

function mail(from: string, to: string[], cc: string[] = []): ParsedMail {
  const address = (email: string) => ({ name: '', email });
  return {
    gmailId: 'm1',
    threadId: 't1',
    labelIds: ['INBOX'],
    historyId: null,
    messageIdHeader: null,
    inReplyTo: null,
    references: [],
    subject: 's',
    from: address(from),
    to: to.map(address),
    cc: cc.map(address),
    bcc: [],
    replyTo: [],
    date: new Date(),
    bodyText: '',
    bodyTruncated: false,
    attachments: [],
    snippet: '',
  };
}

describe("the owner's addresses", () => {
  it('when mail comes from an alias, then it is sent and the alias is no counterpart', () => {
    const m = mail('sales@vendor-brand.test', ['client@customer.test']);
    expect(isSent(m, OWNER)).toBe(true);
    expect(counterparts(m, OWNER).map((a) => a.email)).toEqual(['client@customer.test']);
    expect(skipReason(m, OWNER, settings)).toBeNull();
  });

  it("when mail goes between the owner's addresses, then it is internal", () => {
    expect(skipReason(mail('rep@vendor.test', ['sales@vendor-brand.test']), OWNER, settings)).toBe(
      'internal',
    );
  });

  it("when a colleague at the alias's domain writes, then it is internal", () => {
    const m = mail('boss@vendor-brand.test', ['sales@vendor-brand.test']);
    expect(skipReason(m, OWNER, settings)).toBe('internal');
  });

  it('when the owner is on free mail, then other people at that provider are not colleagues', () => {
    const m = mail('client@gmail.com', ['me@gmail.com']);
    expect(skipReason(m, ['me@gmail.com'], settings)).toBeNull();
  });
});
