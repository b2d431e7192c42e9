// What happens to a message after delivery, whoever does it (the API's modify/trash/untrash/delete,
// or Gmail itself, a filter or the user in Gmail's interface through the control API). Each change
// writes the history Gmail would write.
import type { GmailStore, SimMailbox, StoredMessage } from './gmail-store.ts';

/**
 * Trash moves a message out of the inbox: TRASH is added and INBOX removed, in one history record;
 * untrash takes TRASH off and leaves the message archived, as Gmail's own untrash does (moving it
 * back to the inbox is a separate label change).
 */
export function trashMessage(store: GmailStore, mb: SimMailbox, m: StoredMessage): void {
  store.modifyLabels(mb, m, ['TRASH'], ['INBOX']);
}

export function untrashMessage(store: GmailStore, mb: SimMailbox, m: StoredMessage): void {
  store.modifyLabels(mb, m, [], ['TRASH']);
}
