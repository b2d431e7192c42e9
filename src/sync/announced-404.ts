// A message Gmail has just announced (in history or a current listing) may answer 404 to
// `messages.get` for a few seconds while its storage catches up with the notification; other Gmail
// integrations see this in production (a get right after the push 404s, the same get a few seconds
// later succeeds). So a 404 counts as "deleted" only after a bounded grace: the message is asked
// for again after each of `timings.announced404GraceMs` (2 s, 5 s and 15 s in production). The
// caller's cursor waits meanwhile (the sync holds the message in hand rather than remembering it
// elsewhere), so nothing announced is passed over; a message really deleted in between costs the
// sync at most 22 s and three gets.
import { setTimeout as sleep } from 'node:timers/promises';
import type { gmail_v1 } from '@googleapis/gmail';
import type { DeadLetter } from '../activity-store/dead-letter-messages.ts';
import type { Timings } from '../config-timings.ts';
import type { Gmail } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError, stopsMailbox } from '../google/gmail-errors.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';
import { type ParsedMail, parseGmailMessage } from '../mail/parse-message.ts';

/** The part of a fetch's result (fetch-messages.ts) the grace settles: each answer goes to one list. */
export interface Answered404 {
  gone: string[];
  mails: ParsedMail[];
  pending: string[];
  unparsable: DeadLetter[];
}

/** Asks again for the messages that answered 404; those still missing after the grace stay `gone`. */
export async function settleAnnounced404(
  ctx: { gmail: Gmail; pacer: Pacer; timings: Pick<Timings, 'announced404GraceMs'> },
  result: Answered404,
): Promise<void> {
  let missing = result.gone;
  for (const delay of ctx.timings.announced404GraceMs) {
    if (missing.length === 0) break;
    await sleep(delay);
    const still: string[] = [];
    await Promise.all(
      missing.map(async (id) => {
        let message: gmail_v1.Schema$Message;
        try {
          ({ data: message } = await callGmail(ctx.pacer, 'messages.get', () =>
            ctx.gmail.users.messages.get({ userId: 'me', id, format: 'full' }),
          ));
        } catch (error) {
          const failure = classifyGoogleError(error);
          if (stopsMailbox(failure)) throw error;
          // Any other failure is retried by the next sync: the cursor stays before it.
          (failure.kind === 'gone' ? still : result.pending).push(id);
          return;
        }
        try {
          result.mails.push(parseGmailMessage(message));
        } catch (error) {
          // The message's own fault: dead-lettered with the others, without content.
          const name = error instanceof Error ? error.name : typeof error;
          result.unparsable.push({ gmailMessageId: id, reason: `parse_failed: ${name}` });
        }
      }),
    );
    missing = still;
  }
  result.gone = missing;
}
