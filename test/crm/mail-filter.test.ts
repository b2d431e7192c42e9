import { describe, expect, it } from 'vitest';
import { counterparts, skipReason } from '../../src/crm/mail-filter.ts';
import type { MailboxSettings } from '../../src/db/schema.ts';
import type { ParsedMail } from '../../src/mail/parse-message.ts';

const settings: MailboxSettings = {
  excluded_labels: [],
  blocked_domains: [],
  blocked_addresses: [],
  log_internal: false,
};
const OWNER = 'rep@vendor.test';

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
    from: { name: 'Client', email: 'client@customer.test' },
    to: [{ name: '', email: OWNER }],
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

describe('which mail may be logged', () => {
  it('when a customer writes to the owner, then it passes and the owner is not a counterpart', () => {
    const m = mail({
      cc: [
        { name: '', email: 'client@customer.test' },
        { name: '', email: 'other@customer.test' },
      ],
    });
    expect(skipReason(m, OWNER, settings)).toBeNull();
    expect(counterparts(m, OWNER).map((a) => a.email)).toEqual([
      'client@customer.test',
      'other@customer.test',
    ]);
  });

  it("when the owner's sent mail has a Bcc, then the Bcc is a counterpart; on received mail it is not", () => {
    const bcc = [{ name: '', email: 'hidden@customer.test' }];
    const sent = mail({
      from: { name: '', email: OWNER },
      to: [{ name: '', email: 'other@else.test' }],
      bcc,
      labelIds: ['SENT'],
    });
    expect(counterparts(sent, OWNER).map((a) => a.email)).toEqual([
      'other@else.test',
      'hidden@customer.test',
    ]);
    expect(counterparts(mail({ bcc }), OWNER).map((a) => a.email)).toEqual([
      'client@customer.test',
    ]);
  });

  it.each([['DRAFT'], ['SPAM'], ['TRASH']])(
    'when the mail carries %s, then it is skipped',
    (label) => {
      expect(skipReason(mail({ labelIds: ['INBOX', label] }), OWNER, settings)).toBe(
        'draft_spam_trash',
      );
    },
  );

  it('when a label is excluded by the mailbox, then it is skipped', () => {
    const s = { ...settings, excluded_labels: ['Label_7'] };
    expect(skipReason(mail({ labelIds: ['INBOX', 'Label_7'] }), OWNER, s)).toBe('excluded_label');
  });

  it('when a participant is blocked by address or by domain, then the mail is skipped', () => {
    expect(
      skipReason(mail({}), OWNER, { ...settings, blocked_addresses: ['CLIENT@customer.test'] }),
    ).toBe('blocked');
    expect(skipReason(mail({}), OWNER, { ...settings, blocked_domains: ['Customer.test'] })).toBe(
      'blocked',
    );
  });

  it("when everyone is in the owner's domain, then it is internal and skipped unless log_internal", () => {
    const m = mail({ from: { name: '', email: 'colleague@vendor.test' } });
    expect(skipReason(m, OWNER, settings)).toBe('internal');
    expect(skipReason(m, OWNER, { ...settings, log_internal: true })).toBeNull();
  });

  it('when the owner writes only to themself, then there is no counterpart', () => {
    expect(skipReason(mail({ from: { name: '', email: OWNER } }), OWNER, settings)).toBe(
      'no_counterpart',
    );
  });
});
