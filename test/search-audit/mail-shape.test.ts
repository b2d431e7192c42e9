import { describe, expect, it } from 'vitest';
import type { EntityLink } from '../../src/crm/link-entities.ts';
import type { ParsedMail } from '../../src/mail/parse-message.ts';
import { shapeOf, sharesShape } from '../../src/search-audit/mail-shape.ts';

const OWNER = ['rep@vendor.test'];
const addr = (email: string) => ({ email, name: '' });
const mail = (m: Partial<ParsedMail>): ParsedMail =>
  ({ from: null, to: [], cc: [], bcc: [], replyTo: [], listId: null, ...m }) as ParsedMail;
const contact = (email: string): EntityLink => ({ entityType: 'contact', entityId: 'c1', email });

describe('the shape of a mail search missed', () => {
  it('when a Google Group rewrote From and the contact is only in Reply-To, then it is group, list and Reply-To-only mail of the group domain', () => {
    const shape = shapeOf(
      mail({
        from: addr('vendas@groups.partner.test'),
        to: [addr('rep@vendor.test')],
        replyTo: [addr('ana@client.test')],
        listId: 'Vendas <Vendas.Groups.Partner.test>',
      }),
      [contact('ana@client.test')],
      OWNER,
      true,
    );
    expect(shape).toEqual({
      kinds: ['sender', 'domain', 'list', 'group', 'reply_to_only'],
      sender: 'vendas@groups.partner.test',
      domain: 'groups.partner.test',
      list: 'vendas.groups.partner.test',
    });
  });

  it('when the user sent the mail and the contact is only in Bcc, then it is Bcc-only mail, with no domain of the owner or of free mail', () => {
    const sent = shapeOf(
      mail({
        from: addr('rep@vendor.test'),
        to: [addr('x@gmail.com')],
        bcc: [addr('ana@client.test')],
      }),
      [contact('ana@client.test')],
      OWNER,
      false,
    );
    expect(sent).toMatchObject({ kinds: ['sender', 'bcc_only'], domain: null });
    const free = shapeOf(
      mail({ from: addr('ana@gmail.com') }),
      [contact('ana@gmail.com')],
      OWNER,
      false,
    );
    expect(free).toMatchObject({ kinds: ['sender'], domain: null });
  });

  it('when the contact is in From or the mail matched only through its thread, then it is neither Reply-To- nor Bcc-only', () => {
    const searchable = shapeOf(
      mail({ from: addr('ana@client.test'), replyTo: [addr('ana@client.test')] }),
      [contact('ana@client.test')],
      OWNER,
      false,
    );
    expect(searchable.kinds).toEqual(['sender', 'domain']);
    const thread = shapeOf(
      mail({ from: addr('colleague@partner.test') }),
      [contact('')],
      OWNER,
      false,
    );
    expect(thread.kinds).toEqual(['sender', 'domain', 'thread']);
  });

  it('when two misses share a sender, a domain, a list or a hidden header, then they share a shape; otherwise not', () => {
    const base = { kinds: [], sender: null, domain: null, list: null };
    expect(sharesShape({ ...base, domain: 'a.test' }, { ...base, domain: 'a.test' })).toBe(true);
    expect(sharesShape({ ...base, list: 'l' }, { ...base, list: 'l' })).toBe(true);
    expect(
      sharesShape({ ...base, kinds: ['reply_to_only'] }, { ...base, kinds: ['reply_to_only'] }),
    ).toBe(true);
    expect(sharesShape({ ...base, domain: 'a.test' }, { ...base, domain: 'b.test' })).toBe(false);
    expect(sharesShape({ ...base, kinds: ['bcc_only'] }, { ...base, kinds: ['group'] })).toBe(
      false,
    );
  });
});
