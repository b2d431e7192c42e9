// RFC 2047 encoded words (`=?charset?B|Q?…?=`) in header values, decoded in every charset
// `charset.ts` knows. Gmail's `payload.headers` may carry a value encoded as the sender wrote it
// or already decoded, so this is idempotent on decoded text. Adjacent words in one charset are
// joined as bytes before decoding: senders split a multi-byte character across two words.
import { decodeBytes } from './charset.ts';

const WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

interface Chunk {
  charset: string;
  bytes: Buffer;
}

export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let pending: Chunk | null = null;
  let last = 0;
  const flush = () => {
    if (pending) out += decodeBytes(pending.bytes, pending.charset);
    pending = null;
  };
  for (const match of value.matchAll(WORD)) {
    const between = value.slice(last, match.index);
    // RFC 2047 §6.2: whitespace between two encoded words is not displayed.
    if (!(pending && /^\s*$/.test(between))) {
      flush();
      out += between;
    }
    const charset = (match[1] ?? '').split('*')[0] ?? '';
    const bytes = wordBytes(match[2] ?? 'B', match[3] ?? '');
    const open = pending as Chunk | null;
    if (open && open.charset.toLowerCase() === charset.toLowerCase()) {
      open.bytes = Buffer.concat([open.bytes, bytes]);
    } else {
      flush();
      pending = { charset, bytes };
    }
    last = match.index + match[0].length;
  }
  flush();
  return out + value.slice(last);
}

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  const qp = text.replace(/_/g, ' ');
  const bytes: number[] = [];
  for (let i = 0; i < qp.length; i++) {
    const hex = qp[i] === '=' ? qp.slice(i + 1, i + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(qp.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}
