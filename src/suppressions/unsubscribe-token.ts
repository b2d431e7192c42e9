// The token in a one-click unsubscribe link (RFC 8058): the org and the recipient's address,
// encrypted (AES-256-CTR under a fresh random IV, so the address never shows and two links for
// one person differ) then signed (HMAC-SHA256 over version, IV and ciphertext: encrypt-then-MAC).
// Anyone may POST it, so it must be unguessable and unforgeable: a token whose MAC does not check
// is refused before anything is decrypted, and the refusal says nothing about why.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { UnsubscribeKeys } from './unsubscribe-key.ts';

const VERSION = 1;
const IV_BYTES = 16;
const MAC_BYTES = 32;
/** Longer tokens are refused unread: an org id and an address fit well within it. */
export const MAX_TOKEN_CHARS = 1024;

export interface UnsubscribeTarget {
  orgId: string;
  email: string;
}

export function signUnsubscribeToken(keys: UnsubscribeKeys, target: UnsubscribeTarget): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-ctr', keys.encryption, iv);
  const plain = Buffer.from(JSON.stringify([target.orgId, target.email]), 'utf8');
  const body = Buffer.concat([Buffer.from([VERSION]), iv, cipher.update(plain), cipher.final()]);
  const mac = createHmac('sha256', keys.mac).update(body).digest();
  return Buffer.concat([body, mac]).toString('base64url');
}

/** The target, or null for anything that is not a token this service signed. */
export function readUnsubscribeToken(
  keys: UnsubscribeKeys,
  token: string,
): UnsubscribeTarget | null {
  if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length < 1 + IV_BYTES + 1 + MAC_BYTES || bytes[0] !== VERSION) return null;
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  const mac = bytes.subarray(bytes.length - MAC_BYTES);
  const expected = createHmac('sha256', keys.mac).update(body).digest();
  if (!timingSafeEqual(mac, expected)) return null;
  const decipher = createDecipheriv('aes-256-ctr', keys.encryption, body.subarray(1, 1 + IV_BYTES));
  const plain = Buffer.concat([decipher.update(body.subarray(1 + IV_BYTES)), decipher.final()]);
  try {
    const parsed: unknown = JSON.parse(plain.toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { orgId: parsed[0], email: parsed[1] };
    }
  } catch {
    // A MAC that checks over malformed content is our own bug, not an attacker's: refused alike.
  }
  return null;
}
