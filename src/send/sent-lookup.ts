// Before a mail is sent again, or answered, after an attempt whose outcome is unknown (the process
// died, or Gmail's answer was lost, after the bytes may have gone), Gmail is asked whether it has
// the mail already, so it is never sent twice. Two looks:
//  1. search by Message-ID (`rfc822msgid:`, https://support.google.com/mail/answer/7190): cheap,
//     but search trails the mailbox (seconds, minutes in its tail), and Gmail may replace the
//     Message-ID of mail sent through the API, keeping ours as X-Google-Original-Message-ID
//     (reported in gauteh/lieer#198 and xhit/go-simple-mail#47);
//  2. the mailbox's history since the attempt began (exact and current): every message added to
//     SENT since then, read for its Message-ID and X-Google-Original-Message-ID.
// Either finding it means the mail went.
import type { Gmail } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';
import type { SentIds } from '../send/gmail-send.ts';

/** Bounds on the history look: a mailbox that sent more than this in one attempt is not normal. */
const MAX_HISTORY_PAGES = 10;
const MAX_CANDIDATES = 100;

export async function findSentMail(
  gmail: Gmail,
  pacer: Pacer,
  mail: { messageIdHeader: string; historyIdBefore: number | null },
): Promise<SentIds | null> {
  const id = mail.messageIdHeader.replace(/^<|>$/g, '');
  if (!id) return null;
  return (
    (await searchByMessageId(gmail, pacer, id)) ??
    (mail.historyIdBefore === null
      ? null
      : await readSentHistory(gmail, pacer, id, mail.historyIdBefore))
  );
}

async function searchByMessageId(gmail: Gmail, pacer: Pacer, id: string): Promise<SentIds | null> {
  const { data } = await callGmail(pacer, 'messages.list', () =>
    gmail.users.messages.list({
      userId: 'me',
      q: `rfc822msgid:${id}`,
      includeSpamTrash: true,
      maxResults: 10,
    }),
  );
  const hit = data.messages?.[0];
  return hit?.id && hit.threadId ? { id: hit.id, threadId: hit.threadId } : null;
}

async function readSentHistory(
  gmail: Gmail,
  pacer: Pacer,
  id: string,
  since: number,
): Promise<SentIds | null> {
  const candidates: SentIds[] = [];
  let pageToken: string | undefined;
  try {
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const { data } = await callGmail(pacer, 'history.list', () =>
        gmail.users.history.list({
          userId: 'me',
          startHistoryId: String(since),
          historyTypes: ['messageAdded'],
          labelId: 'SENT',
          ...(pageToken ? { pageToken } : {}),
        }),
      );
      for (const record of data.history ?? []) {
        for (const added of record.messagesAdded ?? []) {
          const m = added.message;
          if (m?.id && m.threadId && candidates.length < MAX_CANDIDATES) {
            candidates.push({ id: m.id, threadId: m.threadId });
          }
        }
      }
      pageToken = data.nextPageToken ?? undefined;
      if (!pageToken) break;
    }
  } catch (error) {
    // History older than Gmail keeps (404): only the search could say, and it said no.
    if (classifyGoogleError(error).kind === 'gone') return null;
    throw error;
  }
  for (const candidate of candidates) {
    if (await carriesMessageId(gmail, pacer, candidate.id, id)) return candidate;
  }
  return null;
}

async function carriesMessageId(
  gmail: Gmail,
  pacer: Pacer,
  gmailId: string,
  id: string,
): Promise<boolean> {
  try {
    const { data } = await callGmail(pacer, 'messages.get', () =>
      gmail.users.messages.get({
        userId: 'me',
        id: gmailId,
        format: 'metadata',
        metadataHeaders: ['Message-ID', 'X-Google-Original-Message-ID'],
      }),
    );
    return (data.payload?.headers ?? []).some(
      (h) =>
        /^(message-id|x-google-original-message-id)$/i.test(h.name ?? '') &&
        (h.value ?? '').trim().replace(/^<|>$/g, '') === id,
    );
  } catch (error) {
    // Deleted since it was sent: not ours to find (and if it was, it went).
    if (classifyGoogleError(error).kind === 'gone') return false;
    throw error;
  }
}
