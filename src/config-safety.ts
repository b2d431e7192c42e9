// What start-up refuses because a value is weak or unsafe, rather than malformed: guessable secrets
// and keys, and outbound URLs (webhook, JWKS) that would reach the service's own network.
import { isIP } from 'node:net';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { isForbiddenAddress, isForbiddenHostName } from './outbound/address-policy.ts';

/**
 * Guesses (log10) an attacker who knows the patterns people use (runs, repeats, keyboard rows,
 * dates, common words: zxcvbn) needs at least; 32 random base64 characters take about 10^32,
 * `0123456789abcdef0123456789abcdef` about 10^4.5.
 */
const MIN_GUESSES_LOG10 = 20;
/** zxcvbn's matching grows faster than the input; a longer secret is judged by its start. */
const JUDGED_CHARS = 64;
let estimator: ZxcvbnFactory | undefined;

/** Why a shared secret (an HMAC key) is too weak to use, or undefined when it is fine. */
export function weakSecretReason(value: string, published: string[]): string | undefined {
  if (published.includes(value)) return 'is the published development secret';
  // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
  if (value.length < 32) return 'is too short (at least 32 characters)';
  if (
    new Set(value).size < 10 ||
    shannonBits(value) < 96 ||
    patternGuessesLog10(value) < MIN_GUESSES_LOG10
  ) {
    return 'is too predictable (use 32 random bytes, e.g. `openssl rand -base64 32`)';
  }
  return undefined;
}

function patternGuessesLog10(value: string): number {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(value.slice(0, JUDGED_CHARS)).guessesLog10;
}

/** Why a 32-byte encryption key is too weak, or undefined when it looks random. */
export function weakKeyReason(key: Buffer): string | undefined {
  // 32 random bytes almost always hold about 30 distinct values; a zero, repeated or patterned key
  // holds a handful.
  if (new Set(key).size < 16) return 'is not random (all-zero or repeated bytes)';
  return undefined;
}

/** Total information content of the string by its own character frequencies, in bits. */
function shannonBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bitsPerChar = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bitsPerChar -= p * Math.log2(p);
  }
  return bitsPerChar * value.length;
}

/**
 * Why an outbound URL the service will call is unsafe outside development, or undefined: it must
 * be https (the body carries signed events or the keys that authenticate callers) and must not
 * name a local or internal host or a loopback, link-local (cloud metadata), private or
 * unspecified address, in any of its IPv6 forms. A name is checked again, resolved, at every
 * request (outbound/outbound-http.ts): this only stops an obvious mistake at start-up.
 */
export function unsafeOutboundUrlReason(value: string): string | undefined {
  const url = new URL(value);
  if (url.protocol !== 'https:') return 'must be an https:// URL outside development';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isForbiddenHostName(host))
    return 'must not name a local or internal host outside development';
  if (isIP(host) && isForbiddenAddress(host)) {
    return 'must not name a loopback, link-local or private address outside development';
  }
  return undefined;
}
