// Bcc as Gmail keeps it: the sender's own copy of a message (sent through the API, or written in
// Gmail and delivered with the SENT label) keeps its Bcc header, as Gmail's "Show original" of a
// sent message shows it; every recipient's copy goes without it (RFC 5322 §3.6.3), so mail
// delivered to a mailbox as received never shows one.

/** The message without its Bcc header (folded continuation lines included). */
export function withoutBcc(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return raw;
  const lines = text.slice(0, end).split(/(?<=\n)/);
  let inBcc = false;
  const kept = lines.filter((line) => {
    inBcc = /^bcc:/i.test(line) || (inBcc && /^[ \t]/.test(line));
    return !inBcc;
  });
  const head = kept.join('').replace(/\r?\n$/, '');
  return Buffer.from(head + text.slice(end), 'latin1');
}
