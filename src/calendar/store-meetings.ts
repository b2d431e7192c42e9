// Storing a page of a calendar's events as meetings, in one transaction with where the sync then
// stands (its new sync token only with the last page it came on): new meetings that involve the
// CRM through the activity insert mail uses (`meeting.logged`), meetings already logged revised
// (`meeting.updated`, or `meeting.cancelled` once Google says so), whatever their window or
// links now. An activity its owner deleted is never logged again (the tombstone trigger refuses
// it); one its owner made private stays private when revised.

import type { ActivityDraft } from '../activity-store/activity-row.ts';
import { type ActivityRevision, reviseActivities } from '../activity-store/revise-activities.ts';
import { insertActivities } from '../activity-store/store-activities.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { ActivityContent } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { recordPosition } from './calendar-store.ts';

export interface MeetingCandidate {
  draft: ActivityDraft;
  /** It may become a new activity: it involves the CRM, is in the window and no rule skips it. */
  creatable: boolean;
}

export interface MeetingPage {
  live: MeetingCandidate[];
  /** Keys of events Google says are cancelled (deleted, or the owner taken off them). */
  cancelled: string[];
}

export interface StoredMeetings {
  logged: number;
  updated: number;
  cancelled: number;
}

type LoggedRow = {
  id: string;
  gmail_message_id: string;
  title: string;
  description: string;
  email_subject: string;
  email_direction: 'sent' | 'received';
  content: ActivityContent;
  created_at: Date | string;
};

export async function storeMeetings(
  db: Db,
  mailbox: { id: string; orgId: string },
  page: MeetingPage,
  position?: Parameters<typeof recordPosition>[2],
): Promise<StoredMeetings> {
  return db.transaction(async (tx) => {
    const keys = [...page.live.map((c) => c.draft.gmailMessageId), ...page.cancelled];
    const logged = await loggedMeetings(tx, mailbox.id, keys);
    const fresh = page.live.filter((c) => c.creatable && !logged.has(c.draft.gmailMessageId));
    const stored = await insertActivities(
      tx,
      fresh.map((c) => c.draft),
    );
    const revisions: ActivityRevision[] = [];
    for (const { draft } of page.live) {
      const row = logged.get(draft.gmailMessageId);
      if (row) revisions.push(revisionOf(row, mailbox, draft));
    }
    for (const key of page.cancelled) {
      const row = logged.get(key);
      if (row?.content.meeting && row.content.meeting.status !== 'cancelled')
        revisions.push(cancellationOf(row, mailbox));
    }
    const revised = new Set(await reviseActivities(tx, revisions));
    if (position) await recordPosition(tx, mailbox.id, position);
    const changed = revisions.filter((r) => revised.has(r.activityId));
    const cancelled = changed.filter((r) => r.eventType === EVENT.meetingCancelled).length;
    return { logged: stored.length, updated: changed.length - cancelled, cancelled };
  });
}

async function loggedMeetings(tx: Pick<Db, 'execute'>, mailboxId: string, keys: string[]) {
  if (keys.length === 0) return new Map<string, LoggedRow>();
  const { rows } = await tx.execute<LoggedRow>(sql`
    select id, gmail_message_id, title, description, email_subject, email_direction, content, created_at
      from activities
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${sqlArray(keys, 'text')})
       and type = 'meeting'
       for update`);
  return new Map(rows.map((r) => [r.gmail_message_id, r]));
}

function revisionOf(
  row: LoggedRow,
  mailbox: { id: string; orgId: string },
  draft: ActivityDraft,
): ActivityRevision {
  const wasCancelled = row.content.meeting?.status === 'cancelled';
  const nowCancelled = draft.content.meeting?.status === 'cancelled';
  const kept = row.content.visibility === 'private' ? privately(draft) : draft;
  return {
    activityId: row.id,
    orgId: mailbox.orgId,
    mailboxId: mailbox.id,
    title: kept.title,
    description: kept.description,
    emailSubject: kept.emailSubject,
    emailDirection: kept.emailDirection,
    content: kept.content,
    createdAt: kept.createdAt,
    links: kept.links,
    eventType: nowCancelled && !wasCancelled ? EVENT.meetingCancelled : EVENT.meetingUpdated,
  };
}

function cancellationOf(row: LoggedRow, mailbox: { id: string; orgId: string }): ActivityRevision {
  const meeting = row.content.meeting;
  return {
    activityId: row.id,
    orgId: mailbox.orgId,
    mailboxId: mailbox.id,
    title: row.title,
    description: row.description,
    emailSubject: row.email_subject,
    emailDirection: row.email_direction,
    content: {
      ...row.content,
      ...(meeting ? { meeting: { ...meeting, status: 'cancelled' } } : {}),
    },
    createdAt: new Date(row.created_at),
    links: [],
    eventType: EVENT.meetingCancelled,
  };
}

/** What the owner hid stays hidden: the description, place and link are dropped again. */
function privately(draft: ActivityDraft): ActivityDraft {
  const meeting = draft.content.meeting;
  return {
    ...draft,
    description: '',
    content: {
      ...draft.content,
      body: '',
      visibility: 'private',
      ...(meeting ? { meeting: { ...meeting, location: null, conference_url: null } } : {}),
    },
  };
}
