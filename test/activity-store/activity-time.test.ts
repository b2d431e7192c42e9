import { describe, expect, it } from 'vitest';
import { activityTimes } from '../../src/activity-store/activity-time.ts';
import { parseGmailMessage } from '../../src/mail/parse-message.ts';

const received = Date.UTC(2026, 10, 27, 6, 0, 0);
const now = received + 60_000;

/** The times of the activity for a Gmail message resource with this `Date:` header. */
const timesFor = (dateHeader: string) =>
  activityTimes(
    parseGmailMessage({
      id: 'g1',
      internalDate: String(received),
      payload: { mimeType: 'text/plain', headers: [{ name: 'Date', value: dateHeader }] },
    }),
    now,
  );

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

  it('when a mail has no internalDate (built when sending) and an impossible date of its own, then the activity is at the time it is logged', () => {
    const built = parseGmailMessage({ id: 'g2', payload: { mimeType: 'text/plain', headers: [] } });
    const mail = { ...built, internalDate: undefined, headerDate: undefined };
    expect(activityTimes({ ...mail, date: new Date('0000-01-01T00:00:00Z') }, now)).toEqual({
      createdAt: new Date(now),
      headerDate: null,
    });
  });
});
