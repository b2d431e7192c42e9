// "A salesperson's day" as a list of events, made from a seed so every run replays the same day:
// the mail that arrives (and that the user writes from Gmail itself), with the categories Gmail
// files it under, the labels changed after delivery (IMPORTANT, the user's own labels, mail read),
// and the sends through the service's API. The events keep their order and are played one per
// `spacingMs`, so each gets a push of its own, as a real day's mail, minutes apart, does, and each
// push's own sync, search and trailing probe (`timings.trailingSyncDelayMs` after it) run before
// the next event: closer, the trailing probes of a burst would merge into one and the day would
// cost less than a real one.
import { seededRandom } from '../../sim/random.ts';
import { addGroupPosts, addOtherMail, type Concern, type Draft, OWNER } from './day-mail.ts';
import { CONTACTS, raw } from './fixtures.ts';

export interface DayOptions {
  seed: number;
  /** Mail in the mailbox over the day, received or written in Gmail (sends through the API aside). */
  mails: number;
  /** Of those, the mail with CRM people: first mails and the threads' follow-ups. */
  crmMails: number;
  /** Conversations with CRM people, each a first mail and `followUps` replies, both directions. */
  threads: number;
  followUps: number;
  /** Share of all mail Gmail files under Promotions, Social or Updates… */
  categorised: number;
  /** …of which this many are CRM mail (an invoice in Updates, a customer's newsletter). */
  crmCategorised: number;
  /** Sends through POST /integrations/gmail/send; the first `sendReplies` answer a thread. */
  sends: number;
  sendReplies: number;
  /** Label changes after delivery, each its own push. */
  important: number;
  userLabels: number;
  reads: number;
  /** Mail from a person the CRM gains only after the day (the retroactive search finds it). */
  lateContactMails: number;
  /** Mail from a CRM contact on the mailbox's blocklist (re-imported when the entry is removed). */
  blockedMails: number;
  /** Posts to the team's Google Group: one by a CRM contact under their own From, one the group
   * rewrote under its own address ("… via Vendas", the contact only in Reply-To), the rest
   * rewritten posts of strangers. */
  groupPosts: number;
  /** Wall time between events: above the trailing probe's 2 s (plus the worker's half-second poll). */
  spacingMs: number;
  /** The working day the events stand for: the compression is wall time over this. */
  workdayHours: number;
}

export const DAY_DEFAULTS: DayOptions = {
  seed: 2026,
  mails: 150,
  crmMails: 30,
  threads: 4,
  followUps: 3,
  categorised: 0.5,
  crmCategorised: 5,
  sends: 5,
  sendReplies: 3,
  important: 20,
  userLabels: 15,
  reads: 25,
  lateContactMails: 2,
  blockedMails: 2,
  groupPosts: 4,
  spacingMs: 3_000,
  workdayHours: 10,
};

export type { Concern };
export { OWNER };
export const LATE_CONTACT = 'newcontact@prospect.test';
/** A CRM contact (the fixtures' last) whose mail this mailbox blocks at the start of the day. */
export const BLOCKED = CONTACTS[49] as string;
const PARTNER = 'partner@agency.test';

export interface MailEvent {
  kind: 'mail';
  key: number;
  raw: string;
  labels: string[];
  concern: Concern;
  /** The mail it answers (its key), when it continues a thread. */
  parent?: number;
}
export interface LabelEvent {
  kind: 'label';
  mail: number;
  add: string[];
  remove: string[];
}
export interface SendEvent {
  kind: 'send';
  to: string;
  subject: string;
  /** The mail it answers (its key). */
  replyTo?: number;
}
export type DayEvent = MailEvent | LabelEvent | SendEvent;

/** The day's events in the order they happen. */
export function planDay(o: DayOptions): DayEvent[] {
  const random = seededRandom(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const people = CONTACTS.slice(0, 12);
  const drafts: Draft[] = [];
  const received = (from: string, subject: string, at: number, concern: Concern = 'crm') =>
    push({
      at,
      from,
      to: OWNER,
      subject,
      concern,
      labels: ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'],
    });
  const written = (to: string, subject: string, at: number) =>
    push({ at, from: OWNER, to, subject, concern: 'crm', labels: ['SENT'] });
  function push(d: Draft): Draft {
    drafts.push(d);
    return d;
  }

  // Conversations: the contact writes, the user answers from Gmail, and so on; in the first, a
  // partner of the contact's joins the thread (no CRM record: logged for the thread it is in).
  const threadEnds: Draft[] = [];
  for (let t = 0; t < o.threads; t++) {
    const person = people[t] as string;
    let last = received(person, `Proposal ${t}`, random() * 0.5);
    for (let k = 1; k <= o.followUps; k++) {
      const at = last.at + 0.08 + random() * 0.06;
      const partner = t === 0 && k === 2;
      const next =
        k % 2 === 1
          ? written(person, `Re: Proposal ${t}`, at)
          : received(partner ? PARTNER : person, `Re: Proposal ${t}`, at);
      next.parent = last;
      last = next;
    }
    threadEnds.push(last);
  }
  const standalone = o.crmMails - o.threads * (1 + o.followUps);
  const crmReceived: Draft[] = drafts.filter((d) => d.from !== OWNER);
  for (let i = 0; i < standalone; i++) {
    const person = pick(people);
    if (i % 3 === 2) written(person, `Meeting notes ${i}`, random());
    else crmReceived.push(received(person, `Question ${i}`, random()));
  }
  // Gmail files some CRM mail away from Primary: a category alone decides nothing.
  for (let i = 0; i < o.crmCategorised; i++) {
    const d = crmReceived[crmReceived.length - 1 - i];
    if (d) d.labels = ['INBOX', 'UNREAD', i % 2 ? 'CATEGORY_PROMOTIONS' : 'CATEGORY_UPDATES'];
  }
  for (let i = 0; i < o.lateContactMails; i++)
    received(LATE_CONTACT, `Introduction ${i}`, random() * 0.9, 'late_contact');
  for (let i = 0; i < o.blockedMails; i++)
    received(BLOCKED, `Offer ${i}`, random() * 0.9, 'blocked');
  addGroupPosts(o.groupPosts, people, random, push);
  addOtherMail(o, drafts.length, random, push);

  const events = drafts.map((d) => ({ at: d.at, draft: d })) as Timed[];
  for (let i = 0; i < o.sends; i++) {
    const end = i < o.sendReplies ? threadEnds[i % threadEnds.length] : undefined;
    const to = end ? (end.from === OWNER ? end.to : people[i % o.threads]) : pick(people);
    const at = end ? soonAfter(end.at, random) : random();
    const subject = end ? end.subject : `Follow-up ${i}`;
    events.push({ at, send: { to: to as string, subject }, replyTo: end });
  }
  // Each change made once to a mail (a second would change nothing, and Gmail would not push it).
  const done = new Set<string>();
  const labelled = (count: number, among: Draft[], add: string[], remove: string[] = []) => {
    const change = [...add, ...remove.map((l) => `-${l}`)].join();
    const fresh = among.filter((d) => !done.has(`${drafts.indexOf(d)}${change}`));
    for (let i = 0; i < count && fresh.length > 0; i++) {
      const [d] = fresh.splice(Math.floor(random() * fresh.length), 1) as [Draft];
      done.add(`${drafts.indexOf(d)}${change}`);
      events.push({ at: soonAfter(d.at, random), label: { d, add, remove } });
    }
  };
  const inbox = drafts.filter((d) => d.from !== OWNER);
  const crmInbox = inbox.filter((d) => d.concern === 'crm');
  labelled(Math.ceil(o.important * 0.6), crmInbox, ['IMPORTANT']);
  labelled(Math.floor(o.important * 0.4), inbox, ['IMPORTANT']);
  labelled(Math.ceil(o.userLabels * 0.7), crmInbox, ['Label_1']);
  labelled(Math.floor(o.userLabels * 0.3), inbox, ['Label_2']);
  labelled(o.reads, inbox, [], ['UNREAD']);
  return toEvents(events, o.seed);
}

/** A moment after `at` within the day: up to half an hour later (0.05 of a ten-hour day). */
function soonAfter(at: number, random: () => number): number {
  return at + Math.min(0.05, (1 - at) / 2) * (0.1 + 0.9 * random());
}

type Timed = { at: number } & (
  | { draft: Draft }
  | { send: { to: string; subject: string }; replyTo: Draft | undefined }
  | { label: { d: Draft; add: string[]; remove: string[] } }
);

/** Sorted by time; mail gets its raw message (Message-ID and In-Reply-To fixed by the seed). */
function toEvents(timed: Timed[], seed: number): DayEvent[] {
  timed.sort((a, b) => a.at - b.at);
  const keys = new Map<Draft, number>();
  const messageId = (d: Draft) => `<day-${seed}-${keys.get(d)}@bench.test>`;
  return timed.map((e): DayEvent => {
    if ('draft' in e) {
      const d = e.draft;
      keys.set(d, keys.size);
      const reply = d.parent
        ? [`In-Reply-To: ${messageId(d.parent)}`, `References: ${messageId(d.parent)}`]
        : [];
      return {
        kind: 'mail',
        key: keys.get(d) as number,
        raw: raw(d.from, d.to, d.subject, {
          messageId: messageId(d),
          headers: [...reply, ...(d.headers ?? [])],
        }),
        labels: d.labels,
        concern: d.concern,
        ...(d.parent ? { parent: keys.get(d.parent) as number } : {}),
      };
    }
    if ('send' in e) {
      const replyTo = e.replyTo && keys.get(e.replyTo);
      return { kind: 'send', ...e.send, ...(replyTo !== undefined ? { replyTo } : {}) };
    }
    return {
      kind: 'label',
      mail: keys.get(e.label.d) as number,
      add: e.label.add,
      remove: e.label.remove,
    };
  });
}
