// Structured header values (`Content-Type`, `Content-Disposition`) to a value and parameters:
// quoted strings, RFC 2231 extended parameters (`charset*=`, `filename*=utf-8''%E2%82%AC`) and
// continuations (`filename*0*=…; filename*1=…`), and RFC 2047 words senders put in quoted names.
import { decodeBytes } from './charset.ts';
import { decodeWords } from './encoded-words.ts';

export interface HeaderValue {
  value: string;
  params: Record<string, string>;
}

interface Segment {
  index: number;
  extended: boolean;
  text: string;
}

export function parseHeaderValue(header: string): HeaderValue {
  const [first = '', ...rest] = splitParams(header);
  const plain: Record<string, string> = {};
  const segmented = new Map<string, Segment[]>();
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim().toLowerCase();
    const text = unquote(item.slice(eq + 1).trim());
    const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(key);
    if (!m?.[1]) continue;
    if (m[2] === undefined && !m[3]) {
      plain[m[1]] = text;
      continue;
    }
    const list = segmented.get(m[1]) ?? [];
    list.push({ index: Number(m[2] ?? 0), extended: m[3] === '*', text });
    segmented.set(m[1], list);
  }
  const params: Record<string, string> = {};
  for (const [name, text] of Object.entries(plain)) params[name] = decodeWords(text);
  // RFC 2231 §4: an extended parameter wins over a plain one of the same name.
  for (const [name, list] of segmented) params[name] = joinSegments(list);
  return { value: first.trim().toLowerCase(), params };
}

/** Splits at `;` outside quoted strings. */
function splitParams(header: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (c === '\\' && quoted) {
      current += c + (header[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  return text.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1');
}

/** RFC 2231 §3–4: the first extended segment names the charset (`charset'language'…`). */
function joinSegments(list: Segment[]): string {
  const sorted = [...list].sort((a, b) => a.index - b.index);
  let charset = 'utf-8';
  const chunks: Buffer[] = [];
  for (const [i, seg] of sorted.entries()) {
    let text = seg.text;
    if (seg.extended && i === 0) {
      const m = /^([^']*)'[^']*'(.*)$/s.exec(text);
      if (m) {
        charset = m[1] || 'utf-8';
        text = m[2] ?? '';
      }
    }
    chunks.push(seg.extended ? percentBytes(text) : Buffer.from(text, 'utf8'));
  }
  return decodeBytes(Buffer.concat(chunks), charset);
}

function percentBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '%' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}
