// A page of Google's events turned into what store-meetings.ts writes: each live occurrence's
// draft, linked by the rules mail follows (sync/link-entities.ts: contacts and leads by address,
// their open deals, companies by a matched contact or by domain, never a free-mail or the org's
// own domain), with whether it may become a new activity; and the keys of cancelled ones.
// Every participant of the page is matched in one query.
import { readOrgSettings } from '../activity-store/org-settings.ts';
import { lowestVisibility } from '../activity-store/visibility-cap.ts';
import { linksFor, matchAddresses } from '../crm/link-entities.ts';
import type { Db } from '../db/database.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { ownerAddresses } from '../mailbox/send-as.ts';
import { type OrgRules, withNeverLog } from '../org/org-rules.ts';
import type { CalendarEvent } from './calendar-client.ts';
import { inWindow, type MeetingWindow } from './calendar-window.ts';
import { type MeetingOwner, meetingDraft, meetingKey, meetingStart } from './meeting-draft.ts';
import { meetingCounterparts, meetingSkip } from './meeting-people.ts';
import type { MeetingPage } from './store-meetings.ts';

export function ownerOf(mailbox: Mailbox): Omit<MeetingOwner, 'policy'> {
  return {
    orgId: mailbox.orgId,
    mailboxId: mailbox.id,
    userId: mailbox.userId,
    // The primary calendar's id is its owner's address.
    calendarId: mailbox.email,
    owners: ownerAddresses(mailbox),
  };
}

export async function candidatesOf(
  db: Db,
  mailbox: Mailbox,
  owner: Omit<MeetingOwner, 'policy'>,
  items: CalendarEvent[],
  window: MeetingWindow,
  rules: OrgRules,
): Promise<MeetingPage> {
  const cancelled = items
    .filter((e) => e.id && e.status === 'cancelled')
    .map((e) => meetingKey(e.id ?? ''));
  const live = items.filter((e) => e.id && e.status !== 'cancelled' && meetingStart(e) !== null);
  if (live.length === 0) return { live: [], cancelled };
  const org = await readOrgSettings(db, mailbox.orgId);
  // The org's rules as for mail: its max_visibility, its never_log, and the people it erased.
  const policy = {
    visibility: lowestVisibility(mailbox.settings.visibility ?? 'full', rules.maxVisibility),
    sensitiveGuard: org.sensitive_guard,
  };
  const settings = withNeverLog(mailbox.settings, rules);
  const people = live.map((e) => {
    const others = meetingCounterparts(e, owner.owners);
    const erased = rules.anyErased(others) ? 'erased' : null;
    return { others, skip: erased ?? meetingSkip(others, owner.owners, settings) };
  });
  const wanted = [...new Set(people.flatMap((p) => (p.skip ? [] : p.others)))];
  const index = await matchAddresses(db, mailbox.orgId, wanted);
  return {
    cancelled,
    live: live.map((event, i) => {
      const { others, skip } = people[i] ?? { others: [], skip: 'no_counterpart' };
      const links = skip ? [] : linksFor(others, index);
      const draft = meetingDraft(event, { ...owner, policy }, links);
      return { draft, creatable: !skip && links.length > 0 && inWindow(window, draft.createdAt) };
    }),
  };
}
