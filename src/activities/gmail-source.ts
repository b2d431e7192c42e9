// Reading an activity's mail back from Gmail, for what storage does not keep: attachment bytes
// and the whole text of a body cut at the storage cap. Through the mailbox's own authorised client
// and quota pacer, as the sync reads; a mailbox that can no longer read answers a clear error.
import type { gmail_v1 } from '@googleapis/gmail';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import type { Gmail } from '../google/clients.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { Pacer, PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Part } from '../mail/mime-part.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import { getMailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant, mailboxNeedsAdmin, mailboxRevoked } from '../mailbox/revocation.ts';

export interface GmailSourceDeps {
  db: Db;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
}

export interface MessageReader {
  /** messages.get format=full: the part tree, with large parts only as attachmentId. */
  message(id: string): Promise<gmail_v1.Schema$Message>;
  /** messages.attachments.get: the part's bytes, decoded. */
  attachment(messageId: string, attachmentId: string): Promise<Buffer>;
}

/** A reader of the mailbox that logged the activity, or the error the CRM should see. */
export async function readerFor(deps: GmailSourceDeps, mailboxId: string): Promise<MessageReader> {
  const mailbox = await getMailbox(deps.db, mailboxId);
  if (!mailbox || mailbox.status === 'disconnected') {
    throw new AppError(
      'mailbox_not_connected',
      'the mailbox that logged this mail is disconnected',
    );
  }
  if (mailbox.status === 'revoked') throw mailboxRevoked();
  const pacer = deps.pacers.forMailbox(mailbox.id);
  const guarded = async <T>(read: (gmail: Gmail) => Promise<T>): Promise<T> => {
    try {
      return await read((await deps.mailboxAuth.accessFor(mailbox)).gmail);
    } catch (error) {
      const lost = await handleRevokedGrant(deps, mailbox, error);
      if (lost) throw lost === 'revoked' ? mailboxRevoked() : mailboxNeedsAdmin();
      if (classifyGoogleError(error).kind === 'gone') {
        throw new AppError('not_found', 'the mail is no longer in Gmail');
      }
      throw error;
    }
  };
  return {
    message: (id) =>
      guarded((gmail) =>
        paced(pacer, 'messages.get', () =>
          gmail.users.messages.get({ userId: 'me', id, format: 'full' }),
        ),
      ),
    attachment: (messageId, id) =>
      guarded(async (gmail) => {
        const data = await paced(pacer, 'messages.attachments.get', () =>
          gmail.users.messages.attachments.get({ userId: 'me', messageId, id }),
        );
        return Buffer.from(data.data ?? '', 'base64url');
      }),
  };
}

async function paced<T>(
  pacer: Pacer,
  method: 'messages.get' | 'messages.attachments.get',
  call: () => Promise<{ data: T }>,
): Promise<T> {
  return (await callGmail(pacer, method, call)).data;
}

/** The part with this partId, anywhere in the tree. */
export function findPart(part: Part | undefined, partId: string, depth = 0): Part | undefined {
  if (!part || depth > 100) return undefined;
  if ((part.partId ?? '') === partId) return part;
  for (const child of part.parts ?? []) {
    const found = findPart(child, partId, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The part's bytes: inline data when Gmail gave it, else through attachments.get. */
export async function partBytesOf(
  reader: MessageReader,
  messageId: string,
  part: Part,
): Promise<Buffer> {
  if (part.body?.attachmentId) return reader.attachment(messageId, part.body.attachmentId);
  return Buffer.from(part.body?.data ?? '', 'base64url');
}
