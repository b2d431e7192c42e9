// The mailbox's send-as addresses (https://developers.google.com/gmail/api/reference/rest/v1/users.settings.sendAs/list,
// readable under gmail.readonly): the primary and the aliases Gmail has verified. They are the owner
// too: mail from one is sent, mail between them is internal, and a send may go out from one.
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import type { SendAsAddress } from '../db/schema.ts';
import type { Gmail } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import type { Pacer, PacerRegistry } from '../google/mailbox-pacer.ts';
import { addJob, type Executor } from '../queue/enqueue.ts';
import { MAX_ATTEMPTS, TASK } from '../queue/job-names.ts';
import type { MailboxAuth } from './mailbox-auth.ts';
import { getMailbox, type Mailbox, storeSendAs } from './mailbox-store.ts';
import { handleRevokedGrant } from './revocation.ts';

export interface SendAsDeps {
  db: Db;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
}

/** Every address that is the owner: the primary first, then its verified aliases. */
export function ownerAddresses(mailbox: Pick<Mailbox, 'email' | 'sendAs'>): string[] {
  return [...new Set([mailbox.email, ...mailbox.sendAs.map((s) => s.email)].map(lower))];
}

/** Queues a refresh of the list (at connect, with the watch renewal, on demand). */
export function enqueueSendAsRefresh(db: Executor, mailboxId: string): Promise<string> {
  return addJob(
    db,
    TASK.refreshSendAs,
    { mailbox_id: mailboxId },
    { jobKey: `send-as:${mailboxId}`, maxAttempts: MAX_ATTEMPTS.refreshSendAs },
  );
}

/** The verified send-as list as Gmail gives it now. An alias still pending verification cannot be
 * sent from, so it is left out; the primary carries no verificationStatus. */
export async function fetchSendAs(gmail: Gmail, pacer: Pacer): Promise<SendAsAddress[]> {
  const { data } = await callGmail(pacer, 'settings.sendAs.list', () =>
    gmail.users.settings.sendAs.list({ userId: 'me' }),
  );
  return (data.sendAs ?? [])
    .filter((s) => s.sendAsEmail && (s.isPrimary || s.verificationStatus === 'accepted'))
    .map((s) => ({
      email: lower(s.sendAsEmail ?? ''),
      display_name: s.displayName ?? '',
      default: s.isDefault === true,
    }));
}

/** Reads the list from Gmail and stores it; a revoked grant marks the mailbox instead. */
export async function refreshSendAs(
  deps: SendAsDeps,
  mailboxId: string,
): Promise<SendAsAddress[] | undefined> {
  const mailbox = await getMailbox(deps.db, mailboxId);
  if (!mailbox || mailbox.status === 'revoked' || mailbox.status === 'disconnected') return;
  try {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    const list = await fetchSendAs(gmail, deps.pacers.forMailbox(mailbox.id));
    await storeSendAs(deps.db, mailbox.id, list);
    return list;
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) return;
    throw error;
  }
}

/**
 * The address a send goes out from: the primary when none is asked for, else one of the verified
 * send-as addresses. An address not in the stored list is looked up once more at Gmail (an alias
 * added since the last refresh); anything else is refused with 422 invalid_sender.
 */
export async function resolveSender(
  deps: SendAsDeps,
  mailbox: Mailbox,
  from: string | undefined,
): Promise<SendAsAddress | undefined> {
  if (from === undefined) return undefined;
  const wanted = lower(from);
  const find = (list: SendAsAddress[]) => list.find((s) => s.email === wanted);
  if (wanted === lower(mailbox.email)) return find(mailbox.sendAs) ?? primary(mailbox);
  const known = find(mailbox.sendAs) ?? find((await refreshSendAs(deps, mailbox.id)) ?? []);
  if (!known) {
    throw new AppError(
      'invalid_sender',
      "from: not one of this mailbox's verified send-as addresses",
      {
        details: { field: 'from' },
      },
    );
  }
  return known;
}

const primary = (mailbox: Mailbox): SendAsAddress => ({
  email: lower(mailbox.email),
  display_name: '',
  default: false,
});

const lower = (s: string) => s.trim().toLowerCase();
