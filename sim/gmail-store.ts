// The simulator's Gmail: mailboxes in memory, one global increasing historyId, history records per
// mailbox (https://developers.google.com/gmail/api/guides/sync), threading by References /
// In-Reply-To plus subject, and watches that publish on every matching change.
import { randomBytes } from 'node:crypto';
import { type GmailPart, headerValue, parseRaw, splitHeaderBlock } from './mime.ts';

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  payload: GmailPart;
  attachments: Map<string, Buffer>;
  snippet: string;
  internalDate: number;
  historyId: number;
  sizeEstimate: number;
  messageIdHeader: string;
  subjectKey: string;
  searchable: { from: string; to: string; cc: string; subject: string };
}

export interface HistoryRecord {
  id: number;
  kind: 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';
  messageId: string;
  labelIds: string[];
}

export interface Watch {
  topicName: string;
  labelIds: string[];
  filter: 'include' | 'exclude';
  expiration: number;
  historyId: number;
}

export interface SimMailbox {
  email: string;
  messages: Map<string, StoredMessage>;
  order: string[];
  history: HistoryRecord[];
  /** History before this id is gone: history.list from below it answers 404. */
  historyFloor: number;
  watch: Watch | undefined;
  sent: Buffer[];
  sendsToday: { day: string; count: number };
}

export type Publish = (mailbox: SimMailbox, record: HistoryRecord) => void;

const SYSTEM_LABELS = [
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
        watch: undefined,
        sent: [],
        sendsToday: { day: '', count: 0 },
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

  insert(
    mailbox: SimMailbox,
    raw: Buffer,
    opts: { labelIds: string[]; threadId?: string | undefined; internalDate?: number },
  ): StoredMessage {
    const parsed = parseRaw(raw);
    const { headers } = splitHeaderBlock(raw);
    const subject = headerValue(headers, 'Subject') ?? '';
    const messageIdHeader = (headerValue(headers, 'Message-ID') ?? '').trim();
    const id = randomBytes(8).toString('hex');
    const threadId = opts.threadId ?? this.threadFor(mailbox, headers) ?? id;
    const historyId = ++this.historyCounter;
    const dateHeader = Date.parse(headerValue(headers, 'Date') ?? '');
    const message: StoredMessage = {
      id,
      threadId,
      labelIds: new Set(opts.labelIds),
      raw,
      payload: parsed.payload,
      attachments: parsed.attachments,
      snippet: parsed.text.replace(/\s+/g, ' ').trim().slice(0, 200),
      internalDate: opts.internalDate ?? (Number.isNaN(dateHeader) ? Date.now() : Date.now()),
      historyId,
      sizeEstimate: raw.length,
      messageIdHeader,
      subjectKey: normaliseSubject(subject),
      searchable: {
        from: (headerValue(headers, 'From') ?? '').toLowerCase(),
        to: (headerValue(headers, 'To') ?? '').toLowerCase(),
        cc: (headerValue(headers, 'Cc') ?? '').toLowerCase(),
        subject: subject.toLowerCase(),
      },
    };
    mailbox.messages.set(id, message);
    mailbox.order.push(id);
    this.record(mailbox, {
      id: historyId,
      kind: 'messageAdded',
      messageId: id,
      labelIds: [...message.labelIds],
    });
    return message;
  }

  /** Gmail threads a message with an earlier one it references, when the subjects agree. */
  threadFor(mailbox: SimMailbox, headers: { name: string; value: string }[]): string | undefined {
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

  modifyLabels(mailbox: SimMailbox, message: StoredMessage, add: string[], remove: string[]): void {
    const added = add.filter((l) => !message.labelIds.has(l));
    const removed = remove.filter((l) => message.labelIds.has(l));
    for (const l of added) message.labelIds.add(l);
    for (const l of removed) message.labelIds.delete(l);
    if (added.length > 0) {
      message.historyId = ++this.historyCounter;
      this.record(mailbox, {
        id: message.historyId,
        kind: 'labelAdded',
        messageId: message.id,
        labelIds: added,
      });
    }
    if (removed.length > 0) {
      message.historyId = ++this.historyCounter;
      this.record(mailbox, {
        id: message.historyId,
        kind: 'labelRemoved',
        messageId: message.id,
        labelIds: removed,
      });
    }
  }

  delete(mailbox: SimMailbox, message: StoredMessage): void {
    mailbox.messages.delete(message.id);
    mailbox.order = mailbox.order.filter((id) => id !== message.id);
    const id = ++this.historyCounter;
    this.record(mailbox, {
      id,
      kind: 'messageDeleted',
      messageId: message.id,
      labelIds: [...message.labelIds],
    });
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

  private record(mailbox: SimMailbox, record: HistoryRecord): void {
    mailbox.history.push(record);
    if (mailbox.history.length > this.historyRetention) {
      const dropped = mailbox.history.splice(0, mailbox.history.length - this.historyRetention);
      mailbox.historyFloor = (dropped.at(-1)?.id ?? mailbox.historyFloor) + 1;
    }
    this.onChange(mailbox, record);
  }
}

export function normaliseSubject(subject: string): string {
  return subject
    .replace(/^\s*((re|fwd?|aw|sv)\s*:\s*)+/i, '')
    .trim()
    .toLowerCase();
}
