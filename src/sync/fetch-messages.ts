// Fetching and parsing a set of messages within the mailbox's quota: in batches of as many as one
// second's quota covers (one HTTP request each, Gmail's batch endpoint), the batches paced and run
// concurrently. A message whose part failed is fetched again alone under the retry policy; one
// deleted meanwhile (404) is skipped; one that keeps failing is counted, and after MAX_ATTEMPTS
// dead-lettered so it no longer holds the mailbox back. One whose parse throws is dead-lettered at
// once: fetching it again would only fail again. A refusal for rate is Gmail's, not the message's:
// it stays pending without counting toward the limit, and the time Gmail named is kept
// (`throttledUntil`) so the caller can put the mailbox's work off until then.
import type { gmail_v1 } from '@googleapis/gmail';
import {
  countMessageFailure,
  type DeadLetter,
  deadLetterMessages,
} from '../activity-store/dead-letter-messages.ts';
import type { Timings } from '../config-timings.ts';
import type { Db } from '../db/database.ts';
import type { Gmail } from '../google/clients.ts';
import { type GmailBatch, MAX_BATCH } from '../google/gmail-batch.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError, stopsMailbox } from '../google/gmail-errors.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';
import { type ParsedMail, parseGmailMessage } from '../mail/parse-message.ts';
import { settleAnnounced404 } from './announced-404.ts';

export const MAX_ATTEMPTS = 5;

export interface FetchContext {
  db: Db;
  gmail: Gmail;
  /** Gmail's batch endpoint for this mailbox; without it every message is its own request. */
  batch?: GmailBatch | undefined;
  pacer: Pacer;
  mailbox: { id: string; orgId: string };
  /** How long a 404 on an announced message is waited out (announced-404.ts). */
  timings: Pick<Timings, 'announced404GraceMs'>;
}

export interface FetchResult {
  mails: ParsedMail[];
  /** Ids that failed this time and will be tried again (the cursor must not pass them). */
  pending: string[];
  deadLettered: string[];
  /** Dead-lettered because their parse threw (a bug for hostile mail to find): not fetched again. */
  unparsable: DeadLetter[];
  gone: string[];
  /** Some were refused for rate until this time (the latest named): pending, not failed. */
  throttledUntil?: Date;
}

export async function fetchMessages(ctx: FetchContext, ids: string[]): Promise<FetchResult> {
  const result: FetchResult = {
    mails: [],
    pending: [],
    deadLettered: [],
    unparsable: [],
    gone: [],
  };
  const alone = ctx.batch && ids.length > 1 ? await fetchInBatches(ctx, ids, result) : ids;
  await Promise.all(alone.map((id) => fetchOne(ctx, id, result)));
  await settleAnnounced404(ctx, result);
  await deadLetterMessages(ctx.db, ctx.mailbox, result.unparsable);
  return result;
}

/** Parses one fetched message; a throw is that message's own fault, recorded without content. */
function addParsed(message: gmail_v1.Schema$Message, id: string, result: FetchResult): void {
  try {
    result.mails.push(parseGmailMessage(message));
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    result.unparsable.push({ gmailMessageId: id, reason: `parse_failed: ${name}` });
  }
}

/** Returns the ids to fetch again one by one (their part, or their whole batch, failed). */
async function fetchInBatches(
  ctx: FetchContext,
  ids: string[],
  result: FetchResult,
): Promise<string[]> {
  const batch = ctx.batch as GmailBatch;
  const size = Math.min(MAX_BATCH, ctx.pacer.burst('messages.get'));
  const again: string[] = [];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  await Promise.all(
    chunks.map(async (chunk) => {
      try {
        // Not retried as a whole: a failed batch is fetched again message by message below.
        const answers = await ctx.pacer.run(
          'messages.get',
          () => batch.getMessages(chunk, 'full'),
          {
            calls: chunk.length,
          },
        );
        for (const answer of answers) {
          if ('message' in answer) addParsed(answer.message, answer.id, result);
          else if (classifyGoogleError(answer.error).kind === 'gone') result.gone.push(answer.id);
          else again.push(answer.id);
        }
      } catch (error) {
        if (stopsMailbox(classifyGoogleError(error))) throw error;
        again.push(...chunk);
      }
    }),
  );
  return again;
}

async function fetchOne(ctx: FetchContext, id: string, result: FetchResult): Promise<void> {
  try {
    const { data } = await callGmail(ctx.pacer, 'messages.get', () =>
      ctx.gmail.users.messages.get({ userId: 'me', id, format: 'full' }),
    );
    addParsed(data, id, result);
  } catch (error) {
    const failure = classifyGoogleError(error);
    if (failure.kind === 'gone') result.gone.push(id);
    else if (stopsMailbox(failure)) throw error;
    else if (failure.kind === 'retryable' && failure.throttled) {
      result.pending.push(id);
      const until = Date.now() + (failure.retryAfterMs ?? 0);
      result.throttledUntil = new Date(Math.max(until, result.throttledUntil?.getTime() ?? 0));
    } else if (await recordFailure(ctx, id, failure.reason)) result.deadLettered.push(id);
    else result.pending.push(id);
  }
}

/** Counts a failure; true when this one crossed the limit and the message was dead-lettered. */
function recordFailure(ctx: FetchContext, id: string, reason: string): Promise<boolean> {
  return countMessageFailure(ctx.db, ctx.mailbox, { gmailMessageId: id, reason }, MAX_ATTEMPTS);
}
