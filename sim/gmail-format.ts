// The users.messages resource in each `format` Gmail serves
// (https://developers.google.com/gmail/api/reference/rest/v1/users.messages/get): minimal, metadata
// (with `metadataHeaders`), raw (the exact bytes, base64url) and full (the part tree).
import type { StoredMessage } from './gmail-store.ts';

export function formatMessage(m: StoredMessage, format: string, metadataHeaders: string[]) {
  const base = {
    id: m.id,
    threadId: m.threadId,
    labelIds: [...m.labelIds],
    snippet: m.snippet,
    sizeEstimate: m.sizeEstimate,
    historyId: String(m.historyId),
    internalDate: String(m.internalDate),
  };
  if (format === 'minimal') return base;
  if (format === 'raw') return { ...base, raw: m.raw.toString('base64url') };
  if (format === 'metadata') {
    const wanted = metadataHeaders.map((h) => h.toLowerCase());
    const headers = wanted.length
      ? m.payload.headers.filter((h) => wanted.includes(h.name.toLowerCase()))
      : m.payload.headers;
    return { ...base, payload: { mimeType: m.payload.mimeType, headers } };
  }
  return { ...base, payload: m.payload };
}

/** What modify, trash and untrash answer: the message with its labels, no payload. */
export function labelsView(m: StoredMessage) {
  return { id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] };
}
