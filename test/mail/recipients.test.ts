import { describe, expect, it } from 'vitest';
import {
  parseRecipient,
  parseRecipients,
  type RecipientProblem,
} from '../../src/mail/recipients.ts';

describe('parseRecipients', () => {
  it.each([
    ['a@b.test', { address: 'a@b.test' }],
    ['  a@b.test  ', { address: 'a@b.test' }],
    ['<a@b.test>', { address: 'a@b.test' }],
    ['"Ana Souza" <ana@client.test>', { name: 'Ana Souza', address: 'ana@client.test' }],
    ['Ana Souza <ana@client.test>', { name: 'Ana Souza', address: 'ana@client.test' }],
    ['"Smith, John" <john@client.test>', { name: 'Smith, John', address: 'john@client.test' }],
    ['"Say \\"hi\\"" <hi@client.test>', { name: 'Say "hi"', address: 'hi@client.test' }],
    ['John Q. Public <jqp@client.test>', { name: 'John Q. Public', address: 'jqp@client.test' }],
    ['José Müller <jose@Client.TEST>', { name: 'José Müller', address: 'jose@client.test' }],
    ['kunde@münchen.test', { address: 'kunde@xn--mnchen-3ya.test' }],
    ['"Zoë" <zoë@bücher.test>', { name: 'Zoë', address: 'zoë@xn--bcher-kva.test' }],
    ['first.last+crm@sub.domain.test', { address: 'first.last+crm@sub.domain.test' }],
  ])('when the entry is %j, then it is accepted as one recipient', (entry, expected) => {
    expect(parseRecipient(entry)).toEqual(expected);
  });

  it.each<[string, RecipientProblem]>([
    ['a@b.test\u2028Bcc: evil@x.test', 'control_character'],
    ['a@b.test\u2029Bcc: evil@x.test', 'control_character'],
    ['a@b.test\tBcc: evil@x.test', 'control_character'],
    ['a@b.test\r\nBcc: evil@x.test', 'control_character'],
    ['a@b.test\nBcc: evil@x.test', 'control_character'],
    ['a@b.test\u0085Bcc: evil@x.test', 'control_character'],
    ['a@b.test\u0000', 'control_character'],
    ['"Ana\u202Etset.live" <evil@x.test>', 'control_character'],
    ['"Ana\u200B" <a@b.test>', 'control_character'],
    ['Sales: evil@x.test;', 'group_syntax'],
    ['Sales: evil@x.test', 'group_syntax'],
    ['Sales: <evil@x.test>', 'group_syntax'],
    ['"boss@corp.test" <evil@x.test>', 'address_in_name'],
    ['boss@corp.test <evil@x.test>', 'address_in_name'],
    ['"=?utf-8?Q?boss=40corp.test?=" <evil@x.test>', 'encoded_name'],
    ['a@b.test, c@d.test', 'multiple_addresses'],
    ['a@b.test; c@d.test', 'multiple_addresses'],
    ['a@b.test c@d.test', 'multiple_addresses'],
    ['Ana <a@b.test>, Bia <c@d.test>', 'multiple_addresses'],
    ['Ana <a@b.test> <c@d.test>', 'multiple_addresses'],
    ['a@b.test (boss@corp.test)', 'comment'],
    ['Ana (sales) <a@b.test>', 'comment'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['not-an-address', 'invalid_address'],
    ['a@', 'invalid_address'],
    ['@b.test', 'invalid_address'],
    ['a@localhost', 'invalid_address'],
    ['a@1.2.3.4', 'invalid_address'],
    ['a@[127.0.0.1]', 'invalid_address'],
    ['a@-b.test', 'invalid_address'],
    ['a..b@c.test', 'invalid_address'],
    ['"quoted"@b.test', 'invalid_address'],
    [`${'a'.repeat(65)}@b.test`, 'address_too_long'],
    [
      `aa@${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.${'e'.repeat(61)}.test`,
      'address_too_long',
    ],
    [`"${'N'.repeat(129)}" <a@b.test>`, 'name_too_long'],
  ])('when the entry is %j, then it is refused: %s', (entry, problem) => {
    expect(parseRecipient(entry)).toBe(problem);
  });

  it('when one entry of a list is bad, then the error names it by position without echoing it', () => {
    const { recipients, errors } = parseRecipients([
      'ana@client.test',
      'x@y.test\u2028Bcc: evil@x.test',
      'Bia <bia@client.test>',
    ]);
    expect(recipients).toEqual([
      { address: 'ana@client.test' },
      { name: 'Bia', address: 'bia@client.test' },
    ]);
    expect(errors).toEqual([
      {
        index: 1,
        problem: 'control_character',
        message: 'recipient 2 contains a control or invisible formatting character',
      },
    ]);
    expect(JSON.stringify(errors)).not.toContain('evil');
  });

  it('when an address is exactly 254 octets, then it is accepted', () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.test`;
    const address = `${'a'.repeat(254 - domain.length - 1)}@${domain}`;
    expect(address).toHaveLength(254);
    expect(parseRecipient(address)).toEqual({ address });
    expect(parseRecipient(`a${address}`)).toBe('address_too_long');
  });
});
