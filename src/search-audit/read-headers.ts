// The headers of let-go mail, read with `format=metadata`
// (https://developers.google.com/gmail/api/reference/rest/v1/users.messages/get): labels and every
// header, no body, so the audit judges participants without holding content. Gmail charges it as
// any `messages.get` (20 units under the 2026 profile, 5 under 2025), so a read costs what a fetch
// does; through the batch endpoint when the mailbox has one, paced like every call. A mail that
// cannot be read now is left for the next audit: an audit never dead-letters mail.
import type { gmail_v1 } from '@googleapis/gmail';
import { MAX_BATCH } from '../google/gmail-batch.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError, MailboxThrottled, stopsMailbox } from '../google/gmail-errors.ts';
import type { SyncContext } from '../sync/sync-context.ts';

export interface HeadersRead {
  messages: gmail_v1.Schema$Message[];
  /** Deleted since it was let go (404): nothing to judge. */
  gone: string[];
  /** Not read this time (errors past the retry policy): the next audit tries again. */
  failed: string[];
}

type Reader = Pick<SyncContext, 'gmail' | 'batch' | 'pacer'>;

export async function readHeaders(ctx: Reader, ids: string[]): Promise<HeadersRead> {
  const read: HeadersRead = { messages: [], gone: [], failed: [] };
  const alone = ctx.batch && ids.length > 1 ? await readInBatches(ctx, ids, read) : ids;
  await Promise.all(alone.map((id) => readOne(ctx, id, read)));
  return read;
}

/** Returns the ids whose part failed, to be read again one by one under the retry policy. */
async function readInBatches(ctx: Reader, ids: string[], read: HeadersRead): Promise<string[]> {
  const batch = ctx.batch;
  if (!batch) return ids;
  const size = Math.max(1, Math.min(MAX_BATCH, ctx.pacer.burst('messages.get')));
  const again: string[] = [];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  await Promise.all(
    chunks.map(async (chunk) => {
      try {
        const answers = await ctx.pacer.run(
          'messages.get',
          () => batch.getMessages(chunk, 'metadata'),
          { calls: chunk.length },
        );
        for (const answer of answers) {
          if ('message' in answer) read.messages.push(answer.message);
          else if (classifyGoogleError(answer.error).kind === 'gone') read.gone.push(answer.id);
          else again.push(answer.id);
        }
      } catch (error) {
        if (stopsMailbox(classifyGoogleError(error)) || error instanceof MailboxThrottled) {
          throw error;
        }
        again.push(...chunk);
      }
    }),
  );
  return again;
}

async function readOne(ctx: Reader, id: string, read: HeadersRead): Promise<void> {
  try {
    const { data } = await callGmail(ctx.pacer, 'messages.get', () =>
      ctx.gmail.users.messages.get({ userId: 'me', id, format: 'metadata' }),
    );
    read.messages.push(data);
  } catch (error) {
    // The grant gone or the account out of reach stops the run (the job marks the mailbox); Gmail
    // throttling past what a call waits puts the job off to Gmail's time (jobs/throttled-jobs.ts).
    const failure = classifyGoogleError(error);
    if (stopsMailbox(failure) || error instanceof MailboxThrottled) throw error;
    if (failure.kind === 'gone') read.gone.push(id);
    else read.failed.push(id);
  }
}
