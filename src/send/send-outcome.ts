// A send whose answer was lost after the request went out (the connection dropped, a proxy timed
// out, Gmail failed after taking it: gmail-errors.ts `sendMayHaveGone`) may have sent the mail.
// Sending again could send it twice; answering an error could make the user send it twice. So the
// mail is looked up by the Message-ID we gave it, with Gmail's `rfc822msgid:` search
// (https://support.google.com/mail/answer/7190): found, the send succeeded; not found, Gmail cannot
// say yet (its search index trails the mailbox), and the answer is `unknown` until a job
// (resolve-send.ts) finds it or the index has had time to show it.
import type { Gmail } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';

/** The sent message with this Message-ID header, or undefined when Gmail's search has none. */
export async function findSentByMessageId(
  gmail: Gmail,
  pacer: Pacer,
  messageIdHeader: string,
): Promise<{ id: string; threadId: string } | undefined> {
  const bare = messageIdHeader.trim().replace(/^<|>$/g, '');
  // A Message-ID of ours is `<hex@host>`: nothing in it Gmail's query language reads as an operator.
  if (!/^[\w.+=-]+@[\w.-]+$/.test(bare)) return undefined;
  const { data } = await callGmail(pacer, 'messages.list', () =>
    gmail.users.messages.list({
      userId: 'me',
      q: `rfc822msgid:${bare}`,
      includeSpamTrash: true,
      maxResults: 1,
    }),
  );
  const hit = data.messages?.[0];
  return hit?.id && hit.threadId ? { id: hit.id, threadId: hit.threadId } : undefined;
}

/** What a send whose outcome Gmail cannot say yet answers: 202, resolved later by a job. */
export function unknownOutcome(messageIdHeader: string) {
  return { status: 202, body: { status: 'unknown', message_id_header: messageIdHeader } };
}
