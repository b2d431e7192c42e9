// The calendar's tables (src/calendar/): each mailbox's primary calendar, its sync token, its push
// channel and how far ahead its occurrences were read; and the shape a meeting keeps in an
// activity's content. Re-exported by schema.ts (drizzle reads that). The foreign key to mailboxes
// is in the migration's hand-written part: importing schema.ts here would make an import cycle.
import { createdAt, tstz } from './columns.ts';
import { pgCore } from './orm.ts';

const { pgTable, text, uniqueIndex, uuid } = pgCore;

export const calendarSyncs = pgTable(
  'calendar_syncs',
  {
    mailboxId: uuid('mailbox_id').primaryKey(),
    orgId: text('org_id').notNull(),
    /** Google's nextSyncToken: written only with the changes it covers. Null: a full listing is due. */
    syncToken: text('sync_token'),
    /** Occurrences have been read up to here (the window's end when last listed). */
    horizonAt: tstz('horizon_at'),
    /** The push channel: its id, Google's resource id, the sha256 of its secret token, its end. */
    channelId: text('channel_id'),
    channelResourceId: text('channel_resource_id'),
    channelTokenHash: text('channel_token_hash'),
    channelExpiresAt: tstz('channel_expires_at'),
    lastSyncAt: tstz('last_sync_at'),
    lastFullSyncAt: tstz('last_full_sync_at'),
    lastNotificationAt: tstz('last_notification_at'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('calendar_syncs_channel_uq').on(t.channelId)],
);

/** A meeting as an activity's `content.meeting` keeps it, and the API shows it (CONTRACT.md). */
export interface MeetingContent {
  event_id: string;
  calendar_id: string;
  title: string;
  start: string;
  end: string;
  all_day: boolean;
  location: string | null;
  conference_url: string | null;
  organizer: string | null;
  attendees: { email: string; response_status: string }[];
  status: 'confirmed' | 'tentative' | 'cancelled';
  recurring_event_id: string | null;
}
