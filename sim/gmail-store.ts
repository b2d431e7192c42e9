// The simulator's Gmail: mailboxes in memory, one global increasing historyId, history records per
// mailbox (https://developers.google.com/gmail/api/guides/sync), threading by References /
// In-Reply-To plus subject, and the label changes, trash and deletion that write history.
import { randomBytes } from 'node:crypto';
import type { AccountState } from './account-states.ts';
import { decodeWords } from './charset.ts';
import { type GmailPart, type Header, headerValue, parseRaw, splitHeaderBlock } from './mime.ts';
import { seededRandom } from './random.ts';
import { indexMessage, type SearchDoc } from './search-index.ts';

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  payload: GmailPart;
  attachments: Map<string, Buffer>;
  snippet: string;
  internalDate: number;
  /** When the message reached the mailbox (epoch ms): the timing faults count from here. */
  arrivedAt: number;
  historyId: number;
  sizeEstimate: number;
  messageIdHeader: string;
  subjectKey: string;
  /** What Gmail's search index holds of it (search-index.ts). */
  searchable: SearchDoc;
  /** Its place (0..1) in the search lag's distribution, drawn on arrival (search-faults.ts). */
  lagDraw: number;
}

/** One change, as history.list lists it: a message added or deleted, or its labels changed. */
export interface HistoryRecord {
  id: number;
  kind: 'messageAdded' | 'messageDeleted' | 'labelsChanged';
  messageId: string;
  threadId: string;
  /** The message's labels once the change was made. */
  labelIds: string[];
  added: string[];
  removed: string[];
  /** When it was written (epoch ms); `history_lag_ms` hides it from history.list for that long. */
  writtenAt: number;
}

export interface Watch {
  topicName: string;
  labelIds: string[];
  filter: 'include' | 'exclude';
  expiration: number;
  historyId: number;
}

export interface SendAs {
  sendAsEmail: string;
  displayName: string;
  isDefault: boolean;
}

export interface SimMailbox {
  email: string;
  messages: Map<string, StoredMessage>;
  order: string[];
  history: HistoryRecord[];
  /** History before this id is gone: history.list from below it answers 404. */
  historyFloor: number;
  /** The mailbox's own current historyId: the global counter at its last change (or creation). */
  latestHistoryId: number;
  watch: Watch | undefined;
  /** A stopped watch still publishes until `until`, as Gmail's notifications trail a stop. */
  stoppedWatch: { watch: Watch; until: number } | undefined;
  sent: Buffer[];
  /** When each message sent through the API in the last 24 hours was accepted (epoch ms). */
  sendLog: number[];
  /** Verified aliases, besides the primary address. */
  aliases: SendAs[];
  /** What its admin or Google did to the account (account-states.ts). */
  state: AccountState;
  /** Draft id → the message id of its current version (gmail-drafts.ts). */
  drafts: Map<string, string>;
}

export type Publish = (mailbox: SimMailbox, record: HistoryRecord) => void;

export const SYSTEM_LABELS = [
  'INBOX',
  'SENT',
  'DRAFT',
  'SPAM',
  'TRASH',
  'UNREAD',
  'STARRED',
  'IMPORTANT',
  'CHAT',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
];

export class GmailStore {
  readonly mailboxes = new Map<string, SimMailbox>();
  private historyCounter = 1_000 + Math.floor(Math.random() * 1_000);
  /** Called after each change that a watch may publish. */
  onChange: Publish = () => {};
  /** How many history records a mailbox keeps (older starts answer 404). */
  historyRetention = 100_000;
  /** Draws each message's search lag; `seed` makes the draws repeatable (control-routes.ts). */
  lagRandom: () => number = seededRandom(Date.now());

  ensure(email: string): SimMailbox {
    const key = email.toLowerCase();
    let mailbox = this.mailboxes.get(key);
    if (!mailbox) {
      mailbox = {
        email: key,
        messages: new Map(),
        order: [],
        history: [],
        historyFloor: 0,
        latestHistoryId: this.historyCounter,
        watch: undefined,
        stoppedWatch: undefined,
        sent: [],
        sendLog: [],
        aliases: [],
        state: 'ok',
        drafts: new Map(),
      };
      this.mailboxes.set(key, mailbox);
    }
    return mailbox;
  }

  get(email: string): SimMailbox | undefined {
    return this.mailboxes.get(email.toLowerCase());
  }

  currentHistoryId(): number {
    return this.historyCounter;
  }

  /**
   * What getProfile answers: this mailbox's own current id. Gmail's ids are per mailbox, so another
   * mailbox's mail never moves it (the one global counter still keeps ids increasing per mailbox).
   */
  historyIdOf(mailbox: SimMailbox): number {
    return Math.max(mailbox.latestHistoryId, mailbox.historyFloor);
  }

  /** Stores raw mail; `threadId` places it in that thread, else Gmail's own threading decides. */
  insert(
    mailbox: SimMailbox,
    raw: Buffer,
    opts: { labelIds: string[]; threadId?: string | undefined; internalDate?: number },
  ): StoredMessage {
    const parsed = parseRaw(raw);
    const { headers } = splitHeaderBlock(raw);
    const subject = headerValue(headers, 'Subject') ?? '';
    const id = randomBytes(8).toString('hex');
    const now = Date.now();
    const message: StoredMessage = {
      id,
      threadId: opts.threadId ?? this.threadFor(mailbox, headers) ?? id,
      labelIds: new Set(opts.labelIds),
      raw,
      payload: parsed.payload,
      attachments: parsed.attachments,
      snippet: parsed.text.replace(/\s+/g, ' ').trim().slice(0, 200),
      internalDate: opts.internalDate ?? now,
      arrivedAt: now,
      historyId: ++this.historyCounter,
      sizeEstimate: raw.length,
      messageIdHeader: (headerValue(headers, 'Message-ID') ?? '').trim(),
      subjectKey: normaliseSubject(subject),
      searchable: indexMessage(headers, parsed.text),
      lagDraw: this.lagRandom(),
    };
    mailbox.messages.set(id, message);
    mailbox.order.push(id);
    this.record(mailbox, message, 'messageAdded', [], []);
    return message;
  }

  /**
   * Gmail threads a message with an earlier one it references (In-Reply-To/References) when the
   * subjects agree as a reader sees them
   * (https://developers.google.com/gmail/api/guides/threads#adding_drafts_and_messages_to_threads).
   */
  threadFor(mailbox: SimMailbox, headers: Header[]): string | undefined {
    const refs =
      `${headerValue(headers, 'In-Reply-To') ?? ''} ${headerValue(headers, 'References') ?? ''}`
        .split(/\s+/)
        .filter(Boolean);
    if (refs.length === 0) return undefined;
    const subject = normaliseSubject(headerValue(headers, 'Subject') ?? '');
    for (const id of [...mailbox.order].reverse()) {
      const m = mailbox.messages.get(id);
      if (m && refs.includes(m.messageIdHeader) && m.subjectKey === subject) return m.threadId;
    }
    return undefined;
  }

  /** Adds and removes labels; one history record for the change, none when nothing changed. */
  modifyLabels(mailbox: SimMailbox, message: StoredMessage, add: string[], remove: string[]): void {
    const added = [...new Set(add)].filter((l) => !message.labelIds.has(l));
    const removed = [...new Set(remove)].filter((l) => message.labelIds.has(l) && !add.includes(l));
    if (added.length === 0 && removed.length === 0) return;
    for (const l of added) message.labelIds.add(l);
    for (const l of removed) message.labelIds.delete(l);
    message.historyId = ++this.historyCounter;
    this.record(mailbox, message, 'labelsChanged', added, removed);
  }

  /**
   * Trash moves a message out of the inbox: TRASH added and INBOX removed, in one history record.
   * Untrash takes TRASH off and leaves the message archived, as Gmail's untrash does (back to the
   * inbox is a label change of its own).
   */
  trash(mailbox: SimMailbox, message: StoredMessage): void {
    this.modifyLabels(mailbox, message, ['TRASH'], ['INBOX']);
  }

  untrash(mailbox: SimMailbox, message: StoredMessage): void {
    this.modifyLabels(mailbox, message, [], ['TRASH']);
  }

  delete(mailbox: SimMailbox, message: StoredMessage): void {
    mailbox.messages.delete(message.id);
    mailbox.order = mailbox.order.filter((id) => id !== message.id);
    message.historyId = ++this.historyCounter;
    this.record(mailbox, message, 'messageDeleted', [], []);
  }

  /**
   * The mailbox's historyId moves on `n` with nothing listable, as Gmail's does for changes the
   * API does not show (a push can announce such an id and history.list then lists nothing:
   * googleworkspace/python-samples#200).
   */
  bumpHistory(mailbox: SimMailbox, n: number): number {
    this.historyCounter += n;
    mailbox.latestHistoryId = this.historyCounter;
    return this.historyCounter;
  }

  /** Drops all retained history: any start below the current id now answers 404. */
  expireHistory(mailbox: SimMailbox): void {
    mailbox.history = [];
    mailbox.historyFloor = ++this.historyCounter;
  }

  labels(mailbox: SimMailbox): string[] {
    const used = new Set(SYSTEM_LABELS);
    for (const m of mailbox.messages.values()) for (const l of m.labelIds) used.add(l);
    return [...used];
  }

  private record(
    mailbox: SimMailbox,
    message: StoredMessage,
    kind: HistoryRecord['kind'],
    added: string[],
    removed: string[],
  ): void {
    const record: HistoryRecord = {
      id: message.historyId,
      kind,
      messageId: message.id,
      threadId: message.threadId,
      labelIds: [...message.labelIds],
      added,
      removed,
      writtenAt: Date.now(),
    };
    mailbox.history.push(record);
    mailbox.latestHistoryId = record.id;
    if (mailbox.history.length > this.historyRetention) {
      const dropped = mailbox.history.splice(0, mailbox.history.length - this.historyRetention);
      mailbox.historyFloor = (dropped.at(-1)?.id ?? mailbox.historyFloor) + 1;
    }
    this.onChange(mailbox, record);
  }
}

/** The subject as a reader compares it: decoded, without reply/forward prefixes, spaces folded. */
export function normaliseSubject(subject: string): string {
  return decodeWords(subject)
    .replace(/\s+/g, ' ')
    .replace(/^\s*((re|fwd?|aw|sv|wg|antw)(\[\d+\])?\s*:\s*)+/i, '')
    .trim()
    .toLowerCase();
}
