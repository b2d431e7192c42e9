// What a reply needs from the original: its Message-ID (In-Reply-To), its References plus its
// Message-ID (References), and its thread — Gmail threads a sent reply only when the threadId, the
// headers and the subject agree (https://developers.google.com/gmail/api/guides/threads).
import { AppError } from '../app-error.ts';
import type { Gmail } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';

export interface ReplyContext {
  threadId: string;
  inReplyTo: string;
  references: string[];
}

export async function replyContext(
  gmail: Gmail,
  pacer: Pacer,
  messageId: string,
): Promise<ReplyContext> {
  try {
    const { data } = await callGmail(pacer, 'messages.get', () =>
      gmail.users.messages.get({
        userId: 'me',
        id: messageId,
        format: 'metadata',
        metadataHeaders: ['Message-ID', 'References'],
      }),
    );
    const header = (name: string) =>
      data.payload?.headers
        ?.find((h) => h.name?.toLowerCase() === name.toLowerCase())
        ?.value?.trim() ?? '';
    const original = header('Message-ID');
    if (!original || !data.threadId) throw new Error('original has no Message-ID');
    const references = header('References').split(/\s+/).filter(Boolean);
    return { threadId: data.threadId, inReplyTo: original, references: [...references, original] };
  } catch (error) {
    if (error instanceof Error && error.message === 'original has no Message-ID') {
      throw new AppError(
        'reply_to_unusable',
        'reply_to_message_id: the original has no Message-ID',
        {
          details: { field: 'reply_to_message_id' },
        },
      );
    }
    if (classifyGoogleError(error).kind === 'gone') {
      throw new AppError(
        'reply_to_not_found',
        'reply_to_message_id: no such message in this mailbox',
        {
          details: { field: 'reply_to_message_id' },
        },
      );
    }
    throw error;
  }
}
