import { describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../src/mail/parse-message.ts';
import { activityTimes, gmailDates } from '../../src/sync/activity-time.ts';

const received = Date.UTC(2026, 10, 27, 6, 0, 0);
const now = received + 60_000;

/** The dates of a Gmail message resource as the sync reads them, on a mail whose parser chose `date`. */
function timesFor(dateHeader: string, internalDate: string | undefined = String(received)) {
  const dates = gmailDates({
    internalDate,
    payload: { headers: [{ name: 'Date', value: dateHeader }] },
  });
  const parsed = Date.parse(dateHeader);
  const mail = { date: new Date(Number.isNaN(parsed) ? received : parsed), ...dates };
  return activityTimes(mail as ParsedMail & typeof dates, now);
}

describe('the time of an activity', () => {
  it.each([
    '0000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    'Wed, 01 Jan 1800 00:00:00 +0000',
    'Fri, 01 Jan 9999 00:00:00 +0000',
    'not a date',
  ])(
    "when the Date: header is %s, then the activity is at Gmail's time and the header date is dropped",
    (header) => {
      expect(timesFor(header)).toEqual({ createdAt: new Date(received), headerDate: null });
    },
  );

  it("when the Date: header is a plausible back-date, then it is kept as information and the activity is still at Gmail's time", () => {
    expect(timesFor('Mon, 02 Mar 2026 09:15:00 +0100')).toEqual({
      createdAt: new Date(received),
      headerDate: new Date(Date.UTC(2026, 2, 2, 8, 15)),
    });
  });

  it("when Gmail's internalDate is itself out of range, then the activity is at the time it was seen, not the header's", () => {
    expect(timesFor('Mon, 02 Mar 2026 09:15:00 +0100', '-62167219200000').createdAt).toEqual(
      new Date(now),
    );
  });
});
