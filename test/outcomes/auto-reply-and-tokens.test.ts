import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../src/mail/parse-message.ts';
import { isAutoReply } from '../../src/outcomes/auto-reply.ts';
import { canonicalAddress } from '../../src/suppressions/canonical-address.ts';
import {
  readUnsubscribeToken,
  signUnsubscribeToken,
} from '../../src/suppressions/unsubscribe-token.ts';

const mail = (subject: string, extra: Partial<ParsedMail> = {}) =>
  ({
    subject,
    autoSubmitted: null,
    autoReplyHeaders: [],
    precedence: null,
    ...extra,
  }) as ParsedMail;

describe('auto-replies', () => {
  for (const subject of [
    'Automatic reply: Proposta',
    'Out of Office: Proposta',
    'RE: Out of office',
    'Resposta automática: Proposta',
    'Ausente: Proposta',
    'Respuesta automática: Proposta',
    'Fuera de la oficina: Proposta',
    '[Auto-Reply] Proposta',
  ]) {
    it(`when the subject is "${subject}", then it is an auto-reply`, () => {
      expect(isAutoReply(mail(subject))).toBe(true);
    });
  }
  it('when a person writes about the out of office policy, then it is a reply', () => {
    expect(isAutoReply(mail('Re: Proposta — about the out of office policy'))).toBe(false);
    expect(isAutoReply(mail('Re: Proposta'))).toBe(false);
  });
  it('when the headers say so (RFC 3834, X-Autoreply, Precedence), then it is an auto-reply; Auto-Submitted: no is not', () => {
    expect(isAutoReply(mail('Re: Proposta', { autoSubmitted: 'auto-replied' }))).toBe(true);
    expect(isAutoReply(mail('Re: Proposta', { autoSubmitted: 'no' }))).toBe(false);
    expect(isAutoReply(mail('Re: Proposta', { autoReplyHeaders: ['X-Autoreply: yes'] }))).toBe(
      true,
    );
    expect(isAutoReply(mail('Re: Proposta', { precedence: 'auto_reply' }))).toBe(true);
  });
});

describe('canonical addresses', () => {
  it('when addresses differ in case, or by dots and +tags at Gmail, then they are one; elsewhere dots and tags count', () => {
    expect(canonicalAddress('Ana.Lima+news@GoogleMail.com')).toBe('analima@gmail.com');
    expect(canonicalAddress('ANA@Client.test')).toBe('ana@client.test');
    expect(canonicalAddress('ana.lima+x@client.test')).toBe('ana.lima+x@client.test');
  });
});

describe('unsubscribe tokens', () => {
  const keys = { encryption: randomBytes(32), mac: randomBytes(32) };
  const target = { orgId: 'org-1', email: 'bruno@client.test' };

  it('when a token is signed, then it reads back, hides the address, and differs each time', () => {
    const a = signUnsubscribeToken(keys, target);
    const b = signUnsubscribeToken(keys, target);
    expect(readUnsubscribeToken(keys, a)).toEqual(target);
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url').toString('latin1')).not.toContain('bruno');
  });

  it('when any byte is changed, the token cut, or another key used, then it is refused', () => {
    const token = signUnsubscribeToken(keys, target);
    const bytes = Buffer.from(token, 'base64url');
    for (let i = 0; i < bytes.length; i += 7) {
      const bad = Buffer.from(bytes);
      bad[i] = (bad[i] ?? 0) ^ 1;
      expect(readUnsubscribeToken(keys, bad.toString('base64url'))).toBeNull();
    }
    expect(readUnsubscribeToken(keys, token.slice(0, -4))).toBeNull();
    expect(readUnsubscribeToken(keys, '')).toBeNull();
    expect(readUnsubscribeToken(keys, 'not a token!')).toBeNull();
    expect(
      readUnsubscribeToken({ encryption: keys.encryption, mac: randomBytes(32) }, token),
    ).toBeNull();
  });
});
