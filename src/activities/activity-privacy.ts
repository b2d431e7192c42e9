// The owner's say over a logged mail. `private`: bodies, HTML and the attachment list are dropped
// from storage; the activity keeps its links, participants, subject and time; the decision is
// recorded in `activity_privacy`, so the mail is private again if it is removed and logged anew
// (trash and untrash under `on_gmail_delete: remove`, a sender blocked then unblocked: the
// trigger of migration 0011 strips it on every insert). `delete`: the
// activity and its links go, and a tombstone keeps the mail from being logged again for that
// mailbox (the activities trigger of migration 0003 refuses it, whatever path tries).

import {
  hideActivityContentSql,
  insertTombstonesSql,
  removeActivitiesSql,
} from '../activity-store/activity-writes.ts';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import { type ActivityRow, activityView } from './activity-view.ts';
import { findActivity } from './get-activity.ts';

export interface Actor {
  orgId: string;
  userId: string;
  admin: boolean;
}

/** The owner is the CRM user whose mailbox logged the mail; an admin may only delete. */
async function requireOwner(db: Db, actor: Actor, id: string, adminMay: boolean) {
  const row = await findActivity(db, actor, id);
  const { rows } = await db.execute<{ user_id: string }>(sql`
    select user_id from mailboxes where id = ${row.mailbox_id}`);
  const owner = rows[0]?.user_id === actor.userId;
  if (!owner && !(adminMay && actor.admin)) {
    throw new AppError('forbidden', 'only the owner of the mailbox that logged it may do this');
  }
  return row;
}

export async function makeActivityPrivate(db: Db, actor: Actor, id: string) {
  await requireOwner(db, actor, id, false);
  // One statement: the content goes and the decision is kept, together or neither.
  const { rows } = await db.execute<Pick<ActivityRow, 'content' | 'description'>>(sql`
    with hidden as (
      ${hideActivityContentSql(sql`id = ${id} and org_id = ${actor.orgId}`)}
    ),
    kept as (
      insert into activity_privacy (mailbox_id, gmail_message_id, org_id, made_private_by)
      select mailbox_id, gmail_message_id, org_id, ${actor.userId} from hidden
      on conflict do nothing
    )
    select content from hidden`);
  if (!rows[0]) throw new AppError('not_found', 'no activity with this id in your organisation');
  return activityView(await findActivity(db, actor, id));
}

export async function deleteActivity(db: Db, actor: Actor, id: string) {
  await requireOwner(db, actor, id, true);
  // One statement: the row goes and its tombstone is written together, or neither.
  await db.execute(sql`
    with removed as (
      ${removeActivitiesSql(sql`id = ${id} and org_id = ${actor.orgId}`)}
    ),
    tombstone as (
      ${insertTombstonesSql(sql`select mailbox_id, gmail_message_id, org_id, ${actor.userId} from removed`)}
    )
    ${insertEventsSql(sql`
    select org_id, mailbox_id, ${EVENT.activityDeleted}::text, jsonb_build_object('activity_id', id)
      from removed`)}`);
  await askEventDelivery(db);
  return { id, deleted: true };
}
