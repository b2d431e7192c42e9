// The new-senders part of a mailbox's search (mailbox-terms.ts): `-{from:a from:shop.test …}`, mail
// from anyone but the mailbox's known non-CRM senders. The only term with syntax a search carries
// besides a list's `from:` (list-senders.ts): every item a `from:` of a plain address or domain.
import { isPlainSearchTerm } from '../google/gmail-search-terms.ts';

/** The term for these senders (addresses or domains); undefined when there are none. */
export function newSendersTerm(senders: string[]): string | undefined {
  const plain = senders.filter(isPlainSearchTerm);
  return plain.length === 0 ? undefined : `-{${plain.map((s) => `from:${s}`).join(' ')}}`;
}

/** A term newSendersTerm makes. */
export function isNewSendersTerm(term: string): boolean {
  if (!term.startsWith('-{') || !term.endsWith('}')) return false;
  const items = term.slice(2, -1).split(' ');
  return (
    items.length > 0 && items.every((i) => i.startsWith('from:') && isPlainSearchTerm(i.slice(5)))
  );
}
