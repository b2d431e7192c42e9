// Gmail's search language, the subset messages.list supports here
// (https://support.google.com/mail/answer/7190): after:/before: (dates or epoch seconds),
// newer_than:/older_than:, from:/to:/cc:/bcc:/subject:, in:/label:, is:, rfc822msgid:, OR, {…}
// groups (any of), -negation, parentheses, implicit AND; a bare term matches an address in From,
// To, Cc or Bcc, or a word of the subject or body. Terms match whole tokens (search-index.ts).
// Gmail documents no limit on a query's length; long ones are refused or silently find nothing in
// other integrations' reports (github.com/nylas/nylas-mail/issues/2234,
// github.com/clawvisor/clawvisor/issues/300), so past 2,048 characters the simulator refuses.
import type { StoredMessage } from './gmail-store.ts';
import { matchesSubject, matchesTerm } from './search-index.ts';

/** Longer queries answer 400 "Invalid query" (gmail-messages.ts). */
export const MAX_QUERY_CHARS = 2_048;

type Node =
  | { kind: 'and'; items: Node[] }
  | { kind: 'or'; items: Node[] }
  | { kind: 'not'; item: Node }
  | { kind: 'term'; key: string; value: string };

export type Predicate = (m: StoredMessage) => boolean;

export function compileQuery(q: string): { match: Predicate; mentionsSpamOrTrash: boolean } {
  const tokens = tokenize(q);
  let pos = 0;
  const peek = () => tokens[pos];
  const parseOr = (end?: string): Node => {
    const items: Node[] = [parseAnd(end)];
    while (peek() === 'OR') {
      pos += 1;
      items.push(parseAnd(end));
    }
    return items.length === 1 ? (items[0] as Node) : { kind: 'or', items };
  };
  const parseAnd = (end?: string): Node => {
    const items: Node[] = [];
    while (pos < tokens.length && peek() !== 'OR' && peek() !== end) {
      const item = parseUnary();
      if (item) items.push(item);
    }
    return { kind: 'and', items };
  };
  const parseUnary = (): Node | undefined => {
    const t = tokens[pos++] as string;
    if (t === '-') {
      const inner = parseUnary();
      return inner ? { kind: 'not', item: inner } : undefined;
    }
    if (t === '(') {
      const inner = parseOr(')');
      pos += 1;
      return inner;
    }
    if (t === '{') {
      const items: Node[] = [];
      while (pos < tokens.length && peek() !== '}') {
        const item = parseUnary();
        if (item && !(item.kind === 'term' && item.value === 'OR')) items.push(item);
      }
      pos += 1;
      return { kind: 'or', items };
    }
    if (t === ')' || t === '}') return undefined;
    const colon = t.indexOf(':');
    if (colon > 0)
      return {
        kind: 'term',
        key: t.slice(0, colon).toLowerCase(),
        value: unquote(t.slice(colon + 1)),
      };
    return { kind: 'term', key: 'text', value: unquote(t) };
  };
  const tree = parseOr();
  return {
    match: (m) => evaluate(tree, m),
    mentionsSpamOrTrash: /\b(in|label):(spam|trash|anywhere)\b/i.test(q),
  };
}

function tokenize(q: string): string[] {
  const out: string[] = [];
  const re = /\s*(\(|\)|\{|\}|-(?=\S)|[^\s(){}"]+:"[^"]*"|"[^"]*"|[^\s(){}]+)/g;
  let m: RegExpExecArray | null = re.exec(q);
  while (m) {
    out.push(m[1] as string);
    m = re.exec(q);
  }
  return out;
}

const unquote = (v: string) => v.replace(/^"|"$/g, '').toLowerCase();

function evaluate(node: Node, m: StoredMessage): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((i) => evaluate(i, m));
    case 'or':
      return node.items.some((i) => evaluate(i, m));
    case 'not':
      return !evaluate(node.item, m);
    case 'term':
      return term(node.key, node.value, m);
  }
}

function term(key: string, value: string, m: StoredMessage): boolean {
  const s = m.searchable;
  switch (key) {
    case 'from':
    case 'to':
    case 'cc':
    case 'bcc':
      return matchesTerm(s, value, key);
    case 'subject':
      return matchesSubject(s, value);
    case 'text':
      return matchesTerm(s, value);
    case 'after':
      return m.internalDate >= toMs(value);
    case 'before':
      return m.internalDate < toMs(value);
    case 'newer_than':
      return m.internalDate >= Date.now() - durationMs(value);
    case 'older_than':
      return m.internalDate < Date.now() - durationMs(value);
    case 'in':
    case 'label': {
      if (value === 'anywhere') return true;
      const label = value === 'drafts' ? 'DRAFT' : value.toUpperCase();
      return m.labelIds.has(label) || [...m.labelIds].some((l) => l.toLowerCase() === value);
    }
    case 'is':
      return value === 'unread' ? m.labelIds.has('UNREAD') : m.labelIds.has(value.toUpperCase());
    case 'rfc822msgid':
      // https://support.google.com/mail/answer/7190: the Message-ID header, brackets left off.
      return m.messageIdHeader.replace(/^<|>$/g, '').toLowerCase() === value.replace(/^<|>$/g, '');
    default:
      // An operator not simulated (`list:`, `deliveredto:`, the undocumented `replyto:`): the
      // service must not rely on one, so it finds nothing.
      return false;
  }
}

/** Epoch seconds, or YYYY/MM/DD (Gmail reads dates as midnight PST; UTC here, documented). */
function toMs(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const [y, mo, d] = value.split(/[/-]/).map(Number);
  return Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1);
}

function durationMs(value: string): number {
  const n = Number.parseInt(value, 10);
  const unit = value.slice(-1);
  const day = 86_400_000;
  return n * (unit === 'm' ? 30 * day : unit === 'y' ? 365 * day : day);
}
