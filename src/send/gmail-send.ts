// Giving a composed mail to Gmail (users.messages.send) and saying what its refusal means, so the
// CRM (or the scheduler) can act: the grant gone, the daily sending limit with when it allows
// again, a rate refusal, a refusal of the mail itself, or an outcome no one can know yet.
import { AppError } from '../app-error.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError, sendMayHaveGone } from '../google/gmail-errors.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant, mailboxNeedsAdmin, mailboxRevoked } from '../mailbox/revocation.ts';
import type { SendDeps } from './outgoing-mail.ts';

/** Gmail's daily sending limit is a rolling 24 hours; a day is the safe answer when it names no time. */
const DAILY_LIMIT_RETRY_MS = 24 * 60 * 60 * 1000;
/** A send is a request someone waits on: rate refusals are retried this long, then answered 429. */
const SEND_MAX_WAIT_MS = 20_000;

export interface SentIds {
  id: string;
  threadId: string;
}

export async function sendRaw(
  deps: Pick<SendDeps, 'db' | 'log' | 'mailboxAuth' | 'pacers'>,
  mailbox: Mailbox,
  raw: Buffer,
  threadId: string | null,
): Promise<SentIds> {
  try {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    const { data } = await callGmail(
      deps.pacers.forMailbox(mailbox.id),
      'messages.send',
      () =>
        // A new mail goes to the upload endpoint as bytes, with no base64url copy of it on the
        // heap (https://developers.google.com/workspace/gmail/api/guides/uploads). A reply needs
        // its threadId beside the bytes (a multipart upload the simulator lacks): inline raw.
        threadId
          ? gmail.users.messages.send({
              userId: 'me',
              requestBody: { raw: raw.toString('base64url'), threadId },
            })
          : gmail.users.messages.send(
              { userId: 'me', media: { mimeType: 'message/rfc822', body: raw } },
              // The upload URL is built from the call's rootUrl, not the client's: pass it on.
              { rootUrl: gmail.context._options.rootUrl },
            ),
      { idempotent: false, maxWaitMs: SEND_MAX_WAIT_MS },
    );
    if (!data.id || !data.threadId) throw new Error('Gmail answered without a message id');
    return { id: data.id, threadId: data.threadId };
  } catch (error) {
    throw await sendFailure(deps, mailbox, error);
  }
}

/** Gmail's refusal, said so the CRM can act; an unknown outcome is remembered under the key. */
async function sendFailure(
  deps: Pick<SendDeps, 'db' | 'log' | 'mailboxAuth'>,
  mailbox: Mailbox,
  error: unknown,
): Promise<AppError> {
  const lost = await handleRevokedGrant(deps, mailbox, error);
  if (lost) return lost === 'revoked' ? mailboxRevoked() : mailboxNeedsAdmin();
  // The request may have reached Gmail and its answer been lost (a connection dropped mid-way, a
  // 5xx): the mail may have gone. Never said to be a refusal, or a retry could send it twice.
  if (sendMayHaveGone(error)) return outcomeUnknown(deps, mailbox, error);
  const failure = classifyGoogleError(error);
  if (failure.kind === 'daily_send_limit') {
    const retryAt = failure.retryAt ?? new Date(Date.now() + DAILY_LIMIT_RETRY_MS);
    return new AppError(
      'daily_send_limit',
      "Gmail's daily sending limit is reached for this mailbox",
      { details: { retry_at: retryAt.toISOString() } },
    );
  }
  // Any of Gmail's rate refusals (429, 403 usageLimits) came before Gmail sent anything, as did a
  // connection never made.
  if (failure.kind === 'retryable' && (failure.throttled || failure.status === 0)) {
    const retryAfter = Math.ceil((failure.retryAfterMs ?? 60_000) / 1000);
    return new AppError('quota_exceeded', 'Gmail is rate-limiting this mailbox; retry later', {
      details: { retry_after_s: retryAfter },
    });
  }
  if (failure.kind === 'fatal' && failure.status >= 400 && failure.status < 500) {
    return new AppError('gmail_rejected', `Gmail refused the message: ${failure.message}`);
  }
  return outcomeUnknown(deps, mailbox, error);
}

function outcomeUnknown(deps: Pick<SendDeps, 'log'>, mailbox: Mailbox, error: unknown): AppError {
  deps.log.error({ err: error, mailbox_id: mailbox.id }, 'send outcome unknown');
  return new AppError(
    'send_outcome_unknown',
    'Gmail may or may not have sent the message; check Sent before retrying',
    { details: { outcome_unknown: true } },
  );
}
